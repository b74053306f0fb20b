// Package spec parses and validates paragraph specs (paragraph-manuscript-
// spec.md): the YAML document of the CLI and the same document as JSON for
// the API. Validation is the embedded JSON Schema plus the rules a schema
// cannot express; whether the fact handles exist and are active needs the
// database and is checked by the caller.
package spec

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/opusblocks/opus/internal/schemaerr"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Sentence-count defaults, applied to each bound the spec leaves out.
const (
	DefaultMinSentences = 2
	DefaultMaxSentences = 8
)

// Spec is a validated paragraph request.
type Spec struct {
	Section   string   `json:"section"`
	Title     string   `json:"title,omitempty"`
	Intent    string   `json:"intent"`
	Facts     []string `json:"facts"`
	MustUse   []string `json:"must_use,omitempty"`
	Length    *Length  `json:"length,omitempty"`
	Style     *Style   `json:"style,omitempty"`
	Citations string   `json:"citations,omitempty"`
}

// Length bounds the number of sentences. Its fields match contract.Length,
// so a value converts directly: contract.Length(*s.Length).
type Length struct {
	MinSentences int `json:"min_sentences"`
	MaxSentences int `json:"max_sentences"`
}

// Style is the optional writing style; fields match contract.Style.
type Style struct {
	Tense    string `json:"tense,omitempty"`
	Voice    string `json:"voice,omitempty"`
	Audience string `json:"audience,omitempty"`
}

//go:embed paragraph-spec.schema.json
var schemaJSON []byte

// schemaURL only names the embedded schema inside the compiler; nothing is
// ever fetched from it.
const schemaURL = "mem://opus/paragraph-spec.schema.json"

// compiledSchema compiles the embedded schema once. A failure is a bug in
// the shipped schema, caught by the tests, so it panics.
var compiledSchema = sync.OnceValue(func() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		panic("spec: embedded schema is not JSON: " + err.Error())
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schemaURL, doc); err != nil {
		panic("spec: embedded schema: " + err.Error())
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		panic("spec: embedded schema does not compile: " + err.Error())
	}
	return sch
})

// Parse reads a spec written in YAML or JSON, validates it and applies the
// defaults. Every error about the input is a *ValidationError.
func Parse(data []byte) (*Spec, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid(Problem{Message: "empty spec"})
	}
	doc, err := decodeYAML(data)
	if err != nil {
		return nil, err
	}
	if err := compiledSchema().Validate(doc); err != nil {
		return nil, invalid(schemaerr.Problems(err)...)
	}

	// Round trip through JSON text: the struct then holds exactly what a
	// JSON client sending the same document would have produced.
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("spec: encoding validated document: %w", err)
	}
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		// The schema admits only what the struct holds; reaching here
		// means the two drifted apart.
		return nil, fmt.Errorf("spec: schema and Spec disagree: %w", err)
	}

	maxDefaulted := s.Length == nil || s.Length.MaxSentences == 0
	s = s.normalized()
	if ps := s.crossCheck(maxDefaulted); len(ps) > 0 {
		return nil, invalid(ps...)
	}
	return &s, nil
}

// normalized returns a copy with defaults applied and presentation-only
// differences removed, so equivalent specs share one canonical form: a YAML
// folded block ("intent: >") ends in a newline the JSON form lacks, and
// "style: {}" means the same as no style.
func (s Spec) normalized() Spec {
	s.Title = strings.TrimSpace(s.Title)
	s.Intent = strings.TrimSpace(s.Intent)
	s.Facts = slices.Clone(s.Facts)
	s.MustUse = slices.Clone(s.MustUse)
	if len(s.MustUse) == 0 {
		s.MustUse = nil
	}
	l := Length{}
	if s.Length != nil {
		l = *s.Length
	}
	if l.MinSentences == 0 {
		l.MinSentences = DefaultMinSentences
	}
	if l.MaxSentences == 0 {
		l.MaxSentences = DefaultMaxSentences
	}
	s.Length = &l
	if s.Style != nil {
		st := *s.Style
		s.Style = &st
		if st == (Style{}) {
			s.Style = nil
		}
	}
	return s
}

// crossCheck holds the rules JSON Schema cannot express. It runs on a
// normalized spec.
func (s *Spec) crossCheck(maxDefaulted bool) []Problem {
	var ps []Problem
	if s.Intent == "" {
		ps = append(ps, Problem{Path: "/intent", Message: "must not be blank"})
	}
	for i, id := range s.MustUse {
		if !slices.Contains(s.Facts, id) {
			ps = append(ps, Problem{Path: fmt.Sprintf("/must_use/%d", i), Message: id + " is not listed in facts"})
		}
	}
	if s.Length.MinSentences > s.Length.MaxSentences {
		bound := fmt.Sprint(s.Length.MaxSentences)
		if maxDefaulted {
			bound += ", the default"
		}
		ps = append(ps, Problem{Path: "/length/min_sentences", Message: "must be <= max_sentences (" + bound + ")"})
	}
	return ps
}

// Canonical is the spec as compact JSON with defaults applied and object
// keys sorted, so that equal specs give equal bytes however they were
// written (YAML or JSON, any key order). It is what gets stored and hashed.
func (s *Spec) Canonical() []byte {
	n := s.normalized()
	b, err := json.Marshal(&n)
	if err != nil {
		panic("spec: marshal: " + err.Error()) // strings, ints and lists only: cannot fail
	}
	// Re-encoding through a generic map sorts the keys: the form is then
	// independent of Go field order and reproducible by any JSON library.
	var generic any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		panic("spec: re-decode: " + err.Error())
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" readable in stored specs
	if err := enc.Encode(generic); err != nil {
		panic("spec: re-encode: " + err.Error())
	}
	return escapeForYAML(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// escapeForYAML writes as \u escapes the characters encoding/json leaves
// raw but the YAML reader of Parse refuses (DEL, C1 controls,
// noncharacters) or reads as a line break (NEL), so that a stored canonical
// spec always parses again. They can only occur inside JSON strings.
func escapeForYAML(b []byte) []byte {
	unsafe := func(r rune) bool {
		return (r >= 0x7F && r <= 0x9F) || r == 0xFFFE || r == 0xFFFF
	}
	if !bytes.ContainsFunc(b, unsafe) {
		return b
	}
	var out bytes.Buffer
	for _, r := range string(b) {
		if unsafe(r) {
			fmt.Fprintf(&out, "\\u%04x", r)
			continue
		}
		out.WriteRune(r)
	}
	return out.Bytes()
}

// Hash is the hex SHA-256 of Canonical.
func (s *Spec) Hash() string {
	sum := sha256.Sum256(s.Canonical())
	return hex.EncodeToString(sum[:])
}

// SchemaJSON is the spec's JSON Schema (draft 2020-12), for documents that
// describe the spec, such as the API's OpenAPI document.
func SchemaJSON() []byte { return slices.Clone(schemaJSON) }
