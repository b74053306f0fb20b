package biblio

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Years outside [minYear, maxYear] are taken for other numbers.
const (
	minYear = 1000
	maxYear = 2100
)

// fourDigits finds runs of four digits not inside a longer number.
var fourDigits = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4})(?:$|[^0-9])`)

// yearIn returns the first year in s: four digits, not part of a longer
// number, in [minYear, maxYear]; 0 if none. "2020", "2020-05-01",
// "2020/2021", "circa 1998" → the first year.
func yearIn(s string) int {
	for _, m := range fourDigits.FindAllStringSubmatch(s, -1) {
		if y, _ := strconv.Atoi(m[1]); y >= minYear && y <= maxYear {
			return y
		}
	}
	return 0
}

// dateYear reads the year of a date: PDF's "D:20190312…" (digits run on),
// ISO 8601 "2019-03-12T…", or any text with a year in it; 0 if none.
func dateYear(s string) int {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	if len(s) >= 4 && isDigitByte(s[0]) && isDigitByte(s[1]) && isDigitByte(s[2]) && isDigitByte(s[3]) {
		if y, _ := strconv.Atoi(s[:4]); y >= minYear && y <= maxYear {
			return y
		}
		return 0
	}
	return yearIn(s)
}

// pageDash finds a dash of any kind (and the spaces around it) in a page
// range.
var pageDash = regexp.MustCompile(`\s*[-‐‑‒–—−]+\s*`)

// normPages writes page ranges one way whatever the source wrote ("1-10",
// "1--10", "1 – 10"): with an en dash, "1–10", as typeset.
func normPages(s string) string {
	return pageDash.ReplaceAllString(s, "–")
}

// letterCount counts the letters of s and its other characters that are
// not white space: text is prose or a title when letters dominate.
func letterCount(s string) (letters, others int) {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case !unicode.IsSpace(r):
			others++
		}
	}
	return letters, others
}
