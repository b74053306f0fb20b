package cli

import (
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

func newCmdFacts(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "facts",
		Short:   "Extract, list, search, add and retract facts",
		Example: examples("opus facts extract D1", "opus facts list --doc D1", "opus facts search anaemia iron"),
	}
	c.AddCommand(newCmdFactsExtract(f, nil), newCmdFactsList(f, nil), newCmdFactsShow(f, nil),
		newCmdFactsSearch(f, nil), newCmdFactsAdd(f, nil), newCmdFactsRetract(f, nil), newCmdFactsRestore(f, nil))
	return groupCommand(c)
}

// factsTable is the human form of a list of facts.
func factsTable(w io.Writer, fs []domain.Fact) {
	rows := make([][]string, len(fs))
	for i, f := range fs {
		src := f.DocHandle
		if f.Page != nil {
			src += " p." + strconv.Itoa(*f.Page)
		}
		if f.Origin == domain.OriginManual {
			src = "manual"
		}
		rows[i] = []string{f.Handle, src, f.Kind, truncate(f.Text, 90)}
		if f.State != domain.FactActive {
			rows[i][3] = "(" + f.State + ") " + rows[i][3]
		}
	}
	table(w, []string{"ID", "SOURCE", "KIND", "TEXT"}, rows)
}
