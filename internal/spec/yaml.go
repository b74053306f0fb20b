package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/opusblocks/opus/internal/schemaerr"
	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the values built from one document; aliases can make a
// tiny YAML file expand exponentially ("billion laughs"), and a real spec
// has well under a hundred values.
const maxNodes = 10000

// decodeYAML parses a YAML (or JSON, which YAML accepts) document into the
// generic values encoding/json would produce, numbers as json.Number. It goes
// through yaml.Node rather than decoding into any so that scalars keep the
// meaning JSON would give them: an unquoted date stays the string the user
// wrote instead of becoming a time.Time, and integer-valued numbers (3, 3.0,
// 0x3) all become the JSON integer 3 the schema's "integer" type accepts.
func decodeYAML(data []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, invalid(Problem{Message: "empty spec"})
		}
		return nil, syntaxError(data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(data, err) // e.g. JSON with trailing garbage
	default:
		return nil, invalid(Problem{Message: fmt.Sprintf("line %d: more than one YAML document; a spec is one document", extra.Line)})
	}
	c := converter{}
	v := c.value(&doc, "", 0)
	if len(c.problems) > 0 {
		return nil, invalid(c.problems...)
	}
	if v == nil {
		return nil, invalid(Problem{Message: "empty spec"}) // only comments, or "~"
	}
	return v, nil
}

func syntaxError(data []byte, err error) error {
	if msg, ok := jsonSyntaxMessage(data); ok {
		return invalid(Problem{Message: msg})
	}
	return invalid(Problem{Message: yamlMessage(err)})
}

// yamlMessage turns "yaml: line 3: mapping values are not allowed in this
// context" into "line 3: mapping values are not allowed in this context".
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// Multiple errors come as "unmarshal errors:\n  line 2: ..."; keep one line.
	msg = strings.Join(strings.Fields(msg), " ")
	return msg
}

// jsonSyntaxMessage explains a syntax error in a document written as JSON.
// The YAML parser blames the line where the enclosing bracket opened, which
// for a one-object JSON document is line 1; encoding/json knows the offset
// of the actual mistake. Only used once YAML has failed too, since flow-style
// YAML ({section: results}) is not JSON but still a valid spec.
func jsonSyntaxMessage(data []byte) (string, bool) {
	// JSON, as opposed to flow-style YAML, quotes its first key.
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return "", false
	}
	if rest := bytes.TrimLeft(trimmed[1:], " \t\r\n"); len(rest) > 0 && rest[0] != '"' && rest[0] != '}' {
		return "", false
	}
	var v any
	var se *json.SyntaxError
	if err := json.Unmarshal(data, &v); !errors.As(err, &se) {
		return "", false
	}
	line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
	return fmt.Sprintf("line %d: invalid JSON: %s", line, se.Error()), true
}

type converter struct {
	nodes    int
	tooBig   bool
	problems []Problem
}

func (c *converter) fail(path, format string, args ...any) any {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	return nil
}

func (c *converter) value(n *yaml.Node, path string, depth int) any {
	c.nodes++
	if c.nodes > maxNodes || depth > 32 {
		if !c.tooBig {
			c.tooBig = true
			c.fail("", "document too large or too deeply nested")
		}
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		return c.value(n.Alias, path, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0], path, depth+1)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			out[i] = c.value(item, path+"/"+strconv.Itoa(i), depth+1)
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				c.fail(path, "line %d: field names must be plain words", k.Line)
				continue
			}
			p := path + "/" + schemaerr.Escape(k.Value)
			// yaml.Node keeps duplicate keys; a map would silently keep the
			// last one, which is exactly the kind of typo to report.
			if line, dup := seen[k.Value]; dup {
				c.fail(p, "duplicate field (first on line %d)", line)
				continue
			}
			seen[k.Value] = k.Line
			out[k.Value] = c.value(v, p, depth+1)
		}
		return out
	case yaml.ScalarNode:
		return c.scalar(n, path)
	}
	return c.fail(path, "line %d: unsupported YAML node", n.Line)
}

func (c *converter) scalar(n *yaml.Node, path string) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return c.fail(path, "line %d: %s", n.Line, yamlMessage(err))
		}
		return b
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		var u uint64
		if err := n.Decode(&u); err == nil {
			return json.Number(strconv.FormatUint(u, 10))
		}
		return c.number(n, path)
	case "!!float":
		return c.number(n, path)
	default:
		// Strings, and tags JSON has no notion of (timestamps, binary,
		// custom tags): keep the text exactly as written.
		return n.Value
	}
}

func (c *converter) number(n *yaml.Node, path string) any {
	var f float64
	if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return c.fail(path, "line %d: %q is not a valid number", n.Line, n.Value)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return json.Number(strconv.FormatInt(int64(f), 10))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}
