// Package prompts reads the agents' prompt templates embedded from the
// repository's prompts/ directory. Each file starts with a front matter
// naming its agent and version; the version is recorded on every run.
package prompts

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"github.com/opusblocks/opus"
	"github.com/opusblocks/opus/internal/contract"
)

// Prompt is one agent's template.
type Prompt struct {
	Agent    contract.Agent
	Version  string
	Template string
}

// All parses every prompt file; a malformed one is a build-time bug.
func All() (map[contract.Agent]Prompt, error) {
	out := map[contract.Agent]Prompt{}
	for _, a := range []contract.Agent{contract.Librarian, contract.Writer, contract.Verifier} {
		b, err := fs.ReadFile(opus.Prompts, "prompts/"+string(a)+".md")
		if err != nil {
			return nil, err
		}
		p, err := parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("prompts/%s.md: %w", a, err)
		}
		if p.Agent != a {
			return nil, fmt.Errorf("prompts/%s.md: front matter names agent %q", a, p.Agent)
		}
		out[a] = p
	}
	return out, nil
}

// Versions maps each agent to its prompt version.
func Versions() map[contract.Agent]string {
	all, err := All()
	if err != nil {
		panic(err) // embedded files: covered by tests
	}
	out := map[contract.Agent]string{}
	for a, p := range all {
		out[a] = p.Version
	}
	return out
}

func parse(s string) (Prompt, error) {
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return Prompt{}, fmt.Errorf("missing front matter")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return Prompt{}, fmt.Errorf("unterminated front matter")
	}
	var p Prompt
	for _, line := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch strings.TrimSpace(k) {
		case "agent":
			p.Agent = contract.Agent(strings.TrimSpace(v))
		case "version":
			p.Version = strings.TrimSpace(v)
		}
	}
	if p.Version == "" {
		return Prompt{}, fmt.Errorf("front matter has no version")
	}
	p.Template = body
	return p, nil
}

var (
	parsed     map[contract.Agent]*template.Template
	parsedErr  error
	parsedOnce sync.Once
)

// Render fills an agent's template with its input (one of the contract
// input types) and returns the prompt text and the prompt's version.
func Render(agent contract.Agent, input any) (text, version string, err error) {
	parsedOnce.Do(func() {
		all, err := All()
		if err != nil {
			parsedErr = err
			return
		}
		parsed = map[contract.Agent]*template.Template{}
		for a, p := range all {
			t, err := template.New(string(a)).Option("missingkey=error").Parse(p.Template)
			if err != nil {
				parsedErr = fmt.Errorf("prompts/%s.md: %w", a, err)
				return
			}
			parsed[a] = t
		}
	})
	if parsedErr != nil {
		return "", "", parsedErr
	}
	t, ok := parsed[agent]
	if !ok {
		return "", "", fmt.Errorf("no prompt for agent %q", agent)
	}
	var b strings.Builder
	if err := t.Execute(&b, input); err != nil {
		return "", "", fmt.Errorf("render %s prompt: %w", agent, err)
	}
	return b.String(), Versions()[agent], nil
}
