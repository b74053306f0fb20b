package llmtest

import (
	"encoding/json"
	"regexp"
	"strings"
)

var agentRe = regexp.MustCompile(`You are the (\w+) agent of opus`)

// Agent names the opus agent a request is for: the name of its JSON Schema
// response format, else the one in its system message.
func (r ChatRequest) Agent() string {
	var rf struct {
		JSONSchema struct {
			Name string `json:"name"`
		} `json:"json_schema"`
	}
	if json.Unmarshal(r.ResponseFormat, &rf) == nil && rf.JSONSchema.Name != "" {
		return rf.JSONSchema.Name
	}
	for _, m := range r.Messages {
		if m := agentRe.FindStringSubmatch(m.Content); m != nil {
			return m[1]
		}
	}
	return ""
}

// Prompt is the request's first user message: the rendered agent prompt.
func (r ChatRequest) Prompt() string {
	for _, m := range r.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

var sentenceRe = regexp.MustCompile(`(?m)^Sentence: (.*)$`)

// Sentences lists the sentences of a verifier prompt, in item order.
func (r ChatRequest) Sentences() []string {
	var out []string
	for _, m := range sentenceRe.FindAllStringSubmatch(r.Prompt(), -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}
