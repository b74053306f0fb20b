package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/opusblocks/opus/internal/domain"
)

func newCmdDocs(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "docs",
		Short:   "Write opus's manual pages",
		Example: examples("opus docs man ./man && man ./man/opus.1"),
	}
	c.AddCommand(newCmdDocsMan(f, nil))
	return groupCommand(c)
}

type docsManOptions struct {
	f      *Factory
	Dir    string
	Export exportFlags
	root   *cobra.Command // the tree to document
}

func newCmdDocsMan(f *Factory, runF func(context.Context, *docsManOptions) error) *cobra.Command {
	o := &docsManOptions{f: f}
	c := &cobra.Command{
		Use:   "man DIR",
		Short: "Write a man page for every command into DIR (created when missing)",
		Example: examples("opus docs man ./man",
			"sudo opus docs man /usr/local/share/man/man1 && man opus-para-generate"),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Dir, o.root = args[0], c.Root()
			return dispatch(c, o, runF, docsManRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func docsManRun(_ context.Context, o *docsManOptions) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return domain.Errorf(domain.Invalid, "cannot create %s: %v", o.Dir, err)
	}
	header := &doc.GenManHeader{Title: "OPUS", Section: "1", Source: "opus " + buildInfo().Version, Manual: "opus manual"}
	o.root.DisableAutoGenTag = true
	if err := doc.GenManTree(o.root, header, o.Dir); err != nil {
		return domain.Errorf(domain.Invalid, "cannot write the man pages into %s: %v", o.Dir, err)
	}
	entries, err := os.ReadDir(o.Dir)
	if err != nil {
		return domain.Errorf(domain.Invalid, "cannot read %s: %v", o.Dir, err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			n++
		}
	}
	return o.f.render(o.Export, map[string]any{"dir": o.Dir, "pages": n}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %d man pages into %s\n", n, o.Dir)
	})
}
