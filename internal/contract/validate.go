package contract

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/opusblocks/opus/internal/schemaerr"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The output schemas ship in the binary. They are written to the subset
// OpenAI strict structured outputs accepts (every object closed with
// additionalProperties false, every property required, optional values as
// nullable types) so the same bytes can be sent as the constraint and used
// to check the answer.
//
//go:embed schemas/*.schema.json
var schemaFS embed.FS

var agents = []Agent{Librarian, Writer, Verifier}

func schemaPath(a Agent) string { return "schemas/" + string(a) + ".schema.json" }

// Schema returns the JSON Schema of an agent's output, or nil for an
// unknown agent. Each call returns a fresh copy the caller may modify.
func Schema(a Agent) []byte {
	for _, known := range agents {
		if a == known {
			b, err := schemaFS.ReadFile(schemaPath(a))
			if err != nil {
				return nil
			}
			return b
		}
	}
	return nil
}

// compiledSchemas compiles every schema once. A failure is a bug in a
// shipped schema, caught by the tests, so it panics.
var compiledSchemas = sync.OnceValue(func() map[Agent]*jsonschema.Schema {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	out := make(map[Agent]*jsonschema.Schema, len(agents))
	for _, a := range agents {
		// The URL only names the schema inside the compiler; nothing is fetched.
		url := "mem://opus/" + schemaPath(a)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema(a)))
		if err != nil {
			panic(fmt.Sprintf("contract: %s schema is not JSON: %v", a, err))
		}
		if err := c.AddResource(url, doc); err != nil {
			panic(fmt.Sprintf("contract: %s schema: %v", a, err))
		}
		sch, err := c.Compile(url)
		if err != nil {
			panic(fmt.Sprintf("contract: %s schema does not compile: %v", a, err))
		}
		out[a] = sch
	}
	return out
})

// OutputError says why an agent's output does not conform to its schema.
// Its message is one line, short enough to append to a repair request.
type OutputError struct {
	Agent    Agent
	Problems []Problem
}

// maxShown caps the problems spelled out in Error: a model that gets one
// thing wrong usually gets it wrong in every item, and the first few say it.
const maxShown = 5

func (e *OutputError) Error() string {
	var sb strings.Builder
	sb.WriteString(string(e.Agent))
	sb.WriteString(" output: ")
	for i, p := range e.Problems {
		if i == maxShown {
			fmt.Fprintf(&sb, "; and %d more", len(e.Problems)-maxShown)
			break
		}
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(p.String())
	}
	return sb.String()
}

// Validate checks an agent's raw output: JSON syntax, then the agent's
// schema. Any error other than an unknown agent is an *OutputError, i.e.
// invalid output. The checks that need the request (fact_ids ⊆ allowed,
// one verdict per item, quotes found on their page) are the caller's.
func Validate(a Agent, output []byte) error {
	sch, ok := compiledSchemas()[a]
	if !ok {
		return fmt.Errorf("contract: unknown agent %q", a)
	}
	if len(bytes.TrimSpace(output)) == 0 {
		return &OutputError{Agent: a, Problems: []Problem{{Message: "empty output"}}}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(output))
	if err != nil {
		return &OutputError{Agent: a, Problems: []Problem{{Message: jsonMessage(err)}}}
	}
	if err := sch.Validate(doc); err != nil {
		ps := schemaerr.Problems(err)
		schemaerr.Sort(ps)
		return &OutputError{Agent: a, Problems: ps}
	}
	return nil
}

func jsonMessage(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, se.Error())
	}
	return "invalid JSON: " + err.Error()
}
