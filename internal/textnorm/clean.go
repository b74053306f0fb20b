package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Clean returns s as opus stores and shows a sentence or a fact text: NFC,
// with every character that is not visible text removed — C0 and C1
// controls (a backspace can erase a shown "not" on a terminal), bidi
// embeddings, overrides and isolates ("\u202E39\u202C" shows as 93),
// zero-width and other format characters, variation selectors — and every
// run of whitespace (line and paragraph separators included) made one space,
// trimmed. What the guards and verifier judge is then byte for byte what a
// reader is shown.
func Clean(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u2028' || r == '\u2029':
			space = b.Len() > 0
			continue
		case Hidden(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CleanSentence is the one form in which a written sentence or a fact text
// is verified, stored and shown: Clean, with citation markers removed — a
// sentence's citations are its links, and the markers shown are made from
// them.
func CleanSentence(text string) string {
	return Clean(StripMarkers(Clean(text)))
}

// Hidden reports characters that are not visible text: controls, format
// characters (bidi controls, zero-width characters, the soft hyphen, tags),
// variation selectors, the combining grapheme joiner, noncharacters and
// the invisible fillers that render as blanks without being spaces.
func Hidden(r rune) bool {
	switch {
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Variation_Selector, r),
		unicode.Is(unicode.Noncharacter_Code_Point, r):
		return true
	}
	switch r {
	case '\u034F', '\u115F', '\u1160', '\u3164', '\uFFA0', '\u2800', '\uFFFC':
		return true
	}
	return false
}
