// Package schemaerr turns JSON Schema validation errors into plain-words
// problems, each named by a JSON pointer: the library's own messages name
// schema keywords ("minItems: got 0, want 1") that neither a spec author nor
// a model reading a repair prompt should need to know. Specs and agent
// outputs share it.
package schemaerr

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Problem is one thing wrong with a document: where (a JSON pointer, "" for
// the whole document) and what.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems flattens the validator's error tree into its leaves and
// rewrites each in plain words; the library's own messages ("additional
// properties 'note' not allowed", "minItems: got 0, want 1") name schema
// keywords; plain words serve both the logs and the repair prompt a model
// reads.
func Problems(err error) []Problem {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{Message: err.Error()}}
	}
	var out []Problem
	collectProblems(ve, &out)
	return out
}

func collectProblems(e *jsonschema.ValidationError, out *[]Problem) {
	if len(e.Causes) > 0 {
		// Inner nodes (schema, $ref, groups) only carry their causes.
		for _, c := range e.Causes {
			collectProblems(c, out)
		}
		return
	}
	at := pointer(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		// Name each unknown field by its own path, like a typo would be.
		for _, name := range k.Properties {
			*out = append(*out, Problem{at + "/" + Escape(name), "unknown field"})
		}
	case *kind.Required:
		for _, name := range k.Missing {
			*out = append(*out, Problem{at + "/" + Escape(name), "required"})
		}
	case *kind.UniqueItems:
		*out = append(*out, Problem{
			fmt.Sprintf("%s/%d", at, k.Duplicates[1]),
			fmt.Sprintf("duplicate of %s/%d", at, k.Duplicates[0]),
		})
	default:
		*out = append(*out, Problem{at, describe(e.ErrorKind)})
	}
}

var printer = message.NewPrinter(language.English)

// handlePattern is the fact-handle pattern of the schema; its violations get
// a message with an example instead of a regular expression.
const handlePattern = "^F[1-9][0-9]*$"

func describe(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		if len(k.Want) == 1 && k.Want[0] == "integer" && k.Got == "number" {
			return "must be a whole number"
		}
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = typeName(w)
		}
		return fmt.Sprintf("must be %s (got %s)", strings.Join(want, " or "), typeName(k.Got))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return fmt.Sprintf("must be one of %s (got %s)", strings.Join(want, ", "), show(k.Got))
	case *kind.Const:
		return fmt.Sprintf("must be %s (got %s)", show(k.Want), show(k.Got))
	case *kind.Pattern:
		if k.Want == handlePattern {
			return fmt.Sprintf("must be a fact handle like F3 (got %s)", show(k.Got))
		}
		return fmt.Sprintf("must match %s (got %s)", k.Want, show(k.Got))
	case *kind.MinLength:
		if k.Want == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters (got %d)", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters (got %d)", k.Want, k.Got)
	case *kind.MinItems:
		return fmt.Sprintf("must have at least %s (got %d)", items(k.Want), k.Got)
	case *kind.MaxItems:
		return fmt.Sprintf("must have at most %s (got %d)", items(k.Want), k.Got)
	case *kind.Minimum:
		return "must be >= " + k.Want.RatString()
	case *kind.Maximum:
		return "must be <= " + k.Want.RatString()
	case *kind.ExclusiveMinimum:
		return "must be > " + k.Want.RatString()
	case *kind.ExclusiveMaximum:
		return "must be < " + k.Want.RatString()
	case *kind.FalseSchema:
		return "not allowed"
	default:
		return k.LocalizedString(printer)
	}
}

func typeName(t string) string {
	switch t {
	case "string":
		return "a string"
	case "integer":
		return "an integer"
	case "number":
		return "a number"
	case "boolean":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	return t
}

func items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}

// show renders an offending value briefly: quoted if a string, cut if long.
func show(v any) string {
	switch v := v.(type) {
	case string:
		if r := []rune(v); len(r) > 40 {
			return strconv.Quote(string(r[:40])) + "…"
		}
		return strconv.Quote(v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	default:
		return fmt.Sprint(v)
	}
}

// pointer builds an RFC 6901 JSON pointer; "" is the whole document.
func pointer(tokens []string) string {
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		sb.WriteString(Escape(t))
	}
	return sb.String()
}

// Escape escapes one JSON pointer token (RFC 6901).
func Escape(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

// Sort orders problems by path, numeric segments numerically, so
// the message is stable (the validator walks maps in random order) and reads
// in document order for lists (/facts/2 before /facts/10).
func Sort(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return comparePaths(a.Path, b.Path)
	})
}

func comparePaths(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			return an - bn
		}
		return strings.Compare(as[i], bs[i])
	}
	return len(as) - len(bs)
}
