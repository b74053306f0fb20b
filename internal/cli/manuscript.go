package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/export"
)

// Export formats.
const (
	formatMarkdown = "md"
	formatLaTeX    = "latex"
	formatJSON     = "json"
)

// exportFormat is the format asked for, else the one the output file's
// extension names, else Markdown.
func exportFormat(format, out string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".tex":
			return formatLaTeX, nil
		case ".json":
			return formatJSON, nil
		}
		return formatMarkdown, nil
	}
	switch f := strings.ToLower(format); f {
	case formatMarkdown, "markdown":
		return formatMarkdown, nil
	case formatLaTeX, "tex":
		return formatLaTeX, nil
	case formatJSON:
		return f, nil
	}
	return "", domain.Errorf(domain.Invalid, "--format %q: use md, latex or json", format)
}

// manuscriptFiles renders m in format md or latex: the document, and the
// BibTeX file it names (bibName, beside it), nil when nothing is cited.
func manuscriptFiles(m export.Manuscript, format, bibName string, opts export.Options) (doc, bib []byte, err error) {
	var b bytes.Buffer
	name := bibName
	refs := m.Refs()
	if len(refs) == 0 || opts.Style == export.NoCitations {
		name = ""
	}
	switch format {
	case formatMarkdown:
		err = export.WriteMarkdown(&b, m, name, opts)
	case formatLaTeX:
		err = export.WriteLaTeX(&b, m, strings.TrimSuffix(name, ".bib"), opts)
	default:
		return nil, nil, fmt.Errorf("cli: manuscriptFiles: format %q", format)
	}
	if err != nil {
		return nil, nil, exportError(err)
	}
	if name == "" {
		return b.Bytes(), nil, nil
	}
	var bb bytes.Buffer
	if err := export.WriteBibTeX(&bb, refs); err != nil {
		return nil, nil, exportError(err)
	}
	return b.Bytes(), bb.Bytes(), nil
}

// exportError makes the export package's refusals the user's to fix.
func exportError(err error) error {
	return domain.Wrap(err, domain.Invalid, "%s", err.Error())
}

// writeError names the file the user asked for and the system's reason,
// not the temporary file the reason came from.
func writeError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return domain.Errorf(domain.Invalid, "cannot write %s: %v", path, err)
}

// writeOutputs writes each file (path → content) whole or not at all:
// every one goes to a temporary file beside it first, and only when all are
// written are they renamed into place.
func writeOutputs(files map[string][]byte) error {
	tmps := map[string]string{}
	defer func() {
		for _, tmp := range tmps {
			_ = os.Remove(tmp) // left only when a write failed
		}
	}()
	for path, data := range files {
		f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
		if errors.Is(err, fs.ErrNotExist) {
			return domain.Errorf(domain.Invalid, "cannot write %s: folder %s does not exist", path, filepath.Dir(path))
		} else if err != nil {
			return writeError(path, err)
		}
		tmps[path] = f.Name()
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return writeError(path, err)
		}
	}
	for path, tmp := range tmps {
		if err := os.Rename(tmp, path); err != nil {
			return writeError(path, err)
		}
		delete(tmps, path)
	}
	return nil
}

// bibPath is the BibTeX file written beside a document: paper.md → paper.bib.
func bibPath(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + ".bib"
}

func marshalIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
