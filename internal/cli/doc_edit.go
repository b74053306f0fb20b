package cli

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/service"
)

type docEditOptions struct {
	f      *Factory
	Handle string
	Edit   service.DocEdit
	Export exportFlags
}

func newCmdDocEdit(f *Factory, runF func(context.Context, *docEditOptions) error) *cobra.Command {
	o := &docEditOptions{f: f}
	var title, authors, venue, doi, key, year string
	c := &cobra.Command{
		Use:   "edit D1 [--title T] [--authors \"Family, Given; …\"] [--year Y] [--venue V] [--doi DOI] [--key K]",
		Short: "Change a document's bibliographic metadata",
		Long: `Changes the metadata exports cite a document by. Only the fields given change; an empty
value clears one. Authors are separated by ';', each "Family, Given" or "Given Family".
The citation key (letters, digits, _ - : .) must be unique among your documents.`,
		Example: examples(`opus doc edit D1 --title "Heat stress in wheat" --year 2018`,
			`opus doc edit D1 --authors "Thomason, Kayla; Babar, Md Ali" --doi 10.1371/journal.pone.0197919`,
			"opus doc edit D1 --key thomason2018"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "D"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			fl := c.Flags()
			set := func(name string, v string) *string {
				if !fl.Changed(name) {
					return nil
				}
				return &v
			}
			o.Edit = service.DocEdit{Title: set("title", title), Authors: set("authors", authors), Venue: set("venue", venue),
				DOI: set("doi", doi), Key: set("key", key)}
			if fl.Changed("year") {
				y := 0
				if year != "" {
					n, err := strconv.Atoi(year)
					if err != nil {
						return usageError(c, "--year %q is not a number", year)
					}
					y = n
				}
				o.Edit.Year = &y
			}
			if o.Edit == (service.DocEdit{}) {
				return usageError(c, "nothing to change; give at least one of --title --authors --year --venue --doi --key")
			}
			return dispatch(c, o, runF, docEditRun)
		},
	}
	fl := c.Flags()
	fl.StringVar(&title, "title", "", "the document's `TITLE`")
	fl.StringVar(&authors, "authors", "", "`AUTHORS` separated by ';' (\"Family, Given\" or \"Given Family\")")
	fl.StringVar(&year, "year", "", "the `YEAR` of publication")
	fl.StringVar(&venue, "venue", "", "the journal or proceedings (`VENUE`)")
	fl.StringVar(&doi, "doi", "", "the `DOI` (10.…, or a doi.org link)")
	fl.StringVar(&key, "key", "", "the citation `KEY` exports use")
	addExportFlags(c, &o.Export)
	return c
}

func docEditRun(ctx context.Context, o *docEditOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	d, err := svc.EditDocument(ctx, actor, o.Handle, o.Edit)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, d, func(w io.Writer) {
		kv(w, docRefPairs(d)...)
	})
}
