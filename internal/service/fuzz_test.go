package service_test

import (
	"strings"
	"testing"

	"github.com/opusblocks/opus/internal/service"
	"github.com/opusblocks/opus/internal/textnorm"
)

// FuzzParseEdited feeds arbitrary edited paragraphs to the edit parser.
// Whatever it accepts is what opus would verify and show: each sentence is
// clean (no controls, invisible characters or markers), cites facts only,
// each once, and its errors are one line. Seeds are below and in
// testdata/fuzz/FuzzParseEdited; `make fuzz` runs it for a while.
func FuzzParseEdited(f *testing.F) {
	for _, seed := range []string{
		"Drug A lowered LDL by 38% [F3].\nIt was well tolerated [F3, F7].\n",
		"# comment\n\nA [F1–F3] and B [ f 4 ].",
		"REALM reduces extraction error by ٩٣% [F3].",
		"not" + strings.Repeat("\b", 40) + " [F1]",
		"by \u202E39\u202C% [F1]\x07\x1b[2J",
		"[F1]\n[D1] x\n",
		"x [F1-F999999999999999999999]",
		"x [F1, 2, F3] [P2]",
		"\xff\xfe [F1]",
		"［F1］ 【F2】 text",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sents, err := service.ParseEdited(text)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error is not one line: %q", err.Error())
			}
			return
		}
		if len(sents) == 0 {
			t.Fatal("no sentences and no error")
		}
		for _, s := range sents {
			if s.Text == "" || s.Text != textnorm.CleanSentence(s.Text) {
				t.Fatalf("sentence not clean: %q", s.Text)
			}
			if hs := textnorm.MarkerHandles(s.Text); len(hs) > 0 {
				t.Fatalf("markers left in %q: %v", s.Text, hs)
			}
			seen := map[string]bool{}
			for _, h := range s.FactIDs {
				if !strings.HasPrefix(h, "F") || seen[h] {
					t.Fatalf("bad or repeated link %q in %v", h, s.FactIDs)
				}
				seen[h] = true
			}
		}
	})
}
