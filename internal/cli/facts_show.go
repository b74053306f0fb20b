package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type factsShowOptions struct {
	f       *Factory
	Handle  string
	Context bool
	Export  exportFlags
}

func newCmdFactsShow(f *Factory, runF func(context.Context, *factsShowOptions) error) *cobra.Command {
	o := &factsShowOptions{f: f}
	c := &cobra.Command{
		Use:               "show F3",
		Short:             "Show a fact with its quote, page and document, and the paragraphs citing it",
		Example:           examples("opus facts show F3", "opus facts show F3 --jq .quote", "opus facts show F3 --context"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "F"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			return dispatch(c, o, runF, factsShowRun)
		},
	}
	c.Flags().BoolVar(&o.Context, "context", false, "print the quote highlighted within its page")
	addExportFlags(c, &o.Export)
	return c
}

// contextBytes is how much of the page --context shows on each side of
// the quote: about a paragraph.
const contextBytes = 600

func factsShowRun(ctx context.Context, o *factsShowOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	if o.Context {
		fc, err := svc.FactQuoteContext(ctx, actor, o.Handle, contextBytes)
		if err != nil {
			return err
		}
		return o.f.render(o.Export, fc, func(w io.Writer) {
			fmt.Fprintf(w, "%s\n\n", styleDim.Render(fmt.Sprintf("%s, %s page %d:", fc.Fact, fc.Document, fc.Page)))
			// The markers carry the highlight where colour does not (a pipe).
			fmt.Fprintln(w, safeLines(fc.Before)+highlight("»"+safeLines(fc.Quote)+"«")+safeLines(fc.After))
			if !fc.Exact {
				fmt.Fprintln(w, styleDim.Render("(the quote matches this passage apart from formatting)"))
			}
		})
	}
	fact, err := svc.Fact(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	return o.f.render(o.Export, fact, func(w io.Writer) {
		page := ""
		if fact.Page != nil {
			page = strconv.Itoa(*fact.Page)
		}
		kv(w, "id", fact.Handle, "text", safe(fact.Text), "kind", fact.Kind, "state", state(fact.State), "origin", fact.Origin,
			"document", fact.DocHandle, "page", page, "quote", oneLine(domain.Deref(fact.Quote)), "source", safe(domain.Deref(fact.SourceNote)),
			"cited by", strings.Join(fact.CitedBy, ", "))
	})
}

// highlight styles each line of s on its own: lipgloss pads a multi-line
// block to its widest line.
func highlight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = styleQuote.Render(l)
	}
	return strings.Join(lines, "\n")
}
