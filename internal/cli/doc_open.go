package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type docOpenOptions struct {
	f      *Factory
	Handle string
	Page   int
	Export exportFlags
}

func newCmdDocOpen(f *Factory, runF func(context.Context, *docOpenOptions) error) *cobra.Command {
	o := &docOpenOptions{f: f}
	c := &cobra.Command{
		Use:   "open D1 [--page N]",
		Short: "Open a document's PDF in the system viewer, at a page",
		Long: `Opens the stored file in a viewer, at --page when the viewer can go to one. The viewer is
$OPUS_PDF_VIEWER, a command in which {file} and {page} are replaced (e.g.
"evince --page-index={page} {file}"); else the first of zathura, evince, okular and mupdf
found, which open at the page; else xdg-open (macOS: open), which opens the first page.`,
		Example: examples("opus doc open D1 --page 3", `OPUS_PDF_VIEWER='okular --page {page} {file}' opus doc open D1 --page 3`,
			"opus facts show F3 --jq .page | xargs opus doc open D2 --page"),
		Args:              exactArgs(1),
		ValidArgsFunction: completeHandles(f, "D"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Handle = args[0]
			if o.Page < 1 {
				return usageError(c, "--page %d: pages are numbered from 1", o.Page)
			}
			return dispatch(c, o, runF, docOpenRun)
		},
	}
	c.Flags().IntVar(&o.Page, "page", 1, "the page to open at")
	addExportFlags(c, &o.Export)
	return c
}

func docOpenRun(ctx context.Context, o *docOpenOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	path, d, err := svc.DocumentFile(ctx, actor, o.Handle)
	if err != nil {
		return err
	}
	if o.Page > d.PageCount {
		return domain.Errorf(domain.Invalid, "%s has %d pages; --page %d is past its end", d.Handle, d.PageCount, o.Page)
	}
	argv, atPage, err := viewerCommand(path, o.Page)
	if err != nil {
		return err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return domain.Errorf(domain.Unavailable, "cannot start %s: %v; set OPUS_PDF_VIEWER", argv[0], err)
	}
	// The viewer outlives this command; it is not waited for.
	_ = cmd.Process.Release()
	out := map[string]any{"id": d.Handle, "file": path, "page": o.Page, "viewer": argv[0], "at_page": atPage}
	return o.f.render(o.Export, out, func(w io.Writer) {
		note := ""
		if !atPage && o.Page > 1 {
			note = fmt.Sprintf(" (it cannot open at a page: go to page %d; set OPUS_PDF_VIEWER for one that can)", o.Page)
		}
		fmt.Fprintf(w, "opened %s in %s%s\n", d.Handle, argv[0], note)
	})
}

// viewerCommand is the command that opens file at page, and whether it
// goes to the page.
func viewerCommand(file string, page int) ([]string, bool, error) {
	p := strconv.Itoa(page)
	if tmpl := strings.TrimSpace(os.Getenv("OPUS_PDF_VIEWER")); tmpl != "" {
		fields := strings.Fields(tmpl)
		r := strings.NewReplacer("{file}", file, "{page}", p)
		for i, f := range fields {
			fields[i] = r.Replace(f)
		}
		if !strings.Contains(tmpl, "{file}") {
			fields = append(fields, file)
		}
		return fields, strings.Contains(tmpl, "{page}"), nil
	}
	known := []struct {
		name string
		args []string
	}{
		{"zathura", []string{"--page=" + p, file}},
		{"evince", []string{"--page-index=" + p, file}},
		{"okular", []string{"--page", p, file}},
		{"mupdf", []string{file, p}},
	}
	for _, v := range known {
		if _, err := exec.LookPath(v.name); err == nil {
			return append([]string{v.name}, v.args...), true, nil
		}
	}
	opener := "xdg-open"
	if runtime.GOOS == "darwin" {
		opener = "open"
	}
	if _, err := exec.LookPath(opener); err != nil {
		return nil, false, domain.Errorf(domain.Unavailable, "no PDF viewer found (zathura, evince, okular, mupdf, %s); set OPUS_PDF_VIEWER, e.g. 'evince --page-index={page} {file}'", opener)
	}
	return []string{opener, file}, false, nil
}
