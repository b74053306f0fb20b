package spec

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzSpecParse feeds arbitrary documents to Parse. Seeds are below and in
// testdata/fuzz/FuzzSpecParse; `make fuzz` runs it for a while.
func FuzzSpecParse(f *testing.F) {
	for _, seed := range []string{
		docExample,
		"section: results\nintent: Report it.\nfacts: [F1, F2]\n",
		`{"section":"methods","intent":"x","facts":["F1"],"length":{"min_sentences":3}}`,
		"section: results\nintent: \"LDL fell by ٣٩% (p < .05) in 1,200 patients, 12–15 weeks, 10⁵ ½\"\nfacts: [F3]\n",
		"section: results\ntitle: \"\\u202Eevil\\u200D\\u0301 ﬁnal\"\nintent: x\nfacts: [F1]\n",
		"section: results\nintent: x\nfacts: [F1, F1]\nmust_use: [F2]\n",
		"section: results\nintent: x\nfacts: [F1]\nlength: {min_sentences: 9, max_sentences: 0x3}\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		"section: results\nintent: x\nfacts: [F1]\n---\nsection: methods\n",
		"{\"section\": \"results\",\n \"intent\": \"x\",\n \"facts\": [\"F1\",]}",
		"section: results\n\"line\\nbreak\": 1\nintent: x\nfacts: [F1]\n",
		"\xff\xfe",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			if s != nil {
				t.Fatalf("spec and error both returned: %v", err)
			}
			// Other error types mean the schema and Spec drifted apart.
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("not a *ValidationError: %T %v", err, err)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error is not one line: %q", msg)
			}
			return
		}
		canon := s.Canonical()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, canon)
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("canonical form parses to another spec:\n%#v\n%#v", s, again)
		}
		if c2 := again.Canonical(); !bytes.Equal(canon, c2) {
			t.Fatalf("canonical form not stable:\n%s\n%s", canon, c2)
		}
		if h := s.Hash(); h != s.Hash() || h != again.Hash() {
			t.Fatalf("hash not stable")
		}
	})
}
