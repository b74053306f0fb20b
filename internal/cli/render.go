package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

// exportFlags are --json and --jq, on every command with JSON output.
type exportFlags struct {
	JSON bool
	JQ   string
}

func addExportFlags(c *cobra.Command, e *exportFlags) {
	c.Flags().BoolVar(&e.JSON, "json", false, "print JSON on stdout (stable, documented in docs/cli-json.md)")
	c.Flags().StringVar(&e.JQ, "jq", "", "filter the JSON through a jq expression (implies --json), e.g. '.[].id'")
}

// enabled reports whether the output is JSON.
func (e exportFlags) enabled() bool { return e.JSON || e.JQ != "" }

// compileJQ parses a --jq expression, so that a bad one is refused before
// the command does any work.
func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err == nil {
		var code *gojq.Code
		if code, err = gojq.Compile(q); err == nil {
			return code, nil
		}
	}
	return nil, domain.Errorf(domain.Invalid, "--jq %q: %v", expr, err)
}

// render is the one output path of every command: v as JSON (through --jq
// when given) for scripts, else human(w) for people.
func (f *Factory) render(e exportFlags, v any, human func(w io.Writer)) error {
	if !e.enabled() {
		human(f.IO.Out)
		return nil
	}
	if e.JQ == "" {
		return writeJSON(f.IO.Out, v, "  ")
	}
	return writeJQ(f.IO.Out, e.JQ, v)
}

// writeJSON writes v as JSON, indented with indent ("" for one line).
func writeJSON(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", indent)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJQ writes each result of expr over v on its own line: strings raw,
// anything else as one-line JSON (as gh and jq -r do).
func writeJQ(w io.Writer, expr string, v any) error {
	code, err := compileJQ(expr)
	if err != nil {
		return err
	}
	// gojq works on JSON's generic values: what the --json form would print.
	var buf bytes.Buffer
	if err := writeJSON(&buf, v, ""); err != nil {
		return err
	}
	var in any
	if err := json.Unmarshal(buf.Bytes(), &in); err != nil {
		return err
	}
	iter := code.Run(in)
	for {
		out, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := out.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return domain.Errorf(domain.Invalid, "--jq %q: %v", expr, err)
		}
		if s, ok := out.(string); ok {
			if _, err := fmt.Fprintln(w, s); err != nil {
				return err
			}
			continue
		}
		if err := writeJSON(w, out, ""); err != nil {
			return err
		}
	}
}
