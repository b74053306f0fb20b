package biblio

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FromFirstPage reads cheap clues from the text of a document's first page
// (lines separated by "\n", as extracted): the DOI (FindDOI), the year (see
// firstPageYear) and the title (see firstPageTitle). Fields it is not sure
// of stay empty.
func FromFirstPage(text string) Ref {
	return Ref{DOI: FindDOI(text), Year: firstPageYear(text), Title: firstPageTitle(text)}
}

const yearRE = `((?:19|20)\d{2}|2100)` // 1900–2100

// yearRules find the publication year on a first page, most trusted
// first. Dates count where a capitalised keyword heads a line or follows
// ; / | (Received … ; Accepted …), not in running text ("results
// published in 1998").
var yearRules = []*regexp.Regexp{
	// Published 5 June 2017; Published online: 12 March 2020; Available online …
	regexp.MustCompile(`(?m)(?:^|[;|/]\s*)(?:First\s+[Pp]ublished|Published|PUBLISHED|Available|AVAILABLE)(?:\s+[Oo]nline|\s+ONLINE)?\b\s*:?[^\n;|/]{0,30}?\b` + yearRE + `\b`),
	// Citation: Smith J (2016) Title …; To cite this article: …
	regexp.MustCompile(`(?im)^\s*(?:citation|cite this(?: article)?|to cite this article|how to cite(?: this article)?)\s*:?[^\n]{0,200}?\(` + yearRE + `[a-z]?\)`),
	// Copyright © 2010 …; © 2019 Elsevier; (c) 2019; Copyright\n2017 Authors
	regexp.MustCompile(`(?i)(?:©|\(c\)|\bcopyright\b)[\s:©]*(?:\(c\)\s*)?` + yearRE + `\b`),
	// "c 2007 Association for …": © extracted as "c" from a line's start.
	regexp.MustCompile(`(?m)^\s*c\s+` + yearRE + `\b`),
	// Journal (2014) 126, 305–313; JCAP10(2008)003; … 54 a, 272-273 (1999)
	regexp.MustCompile(`\(` + yearRE + `\)\s*\d|\d\s*[-–]\s*\d+\s*\(` + yearRE + `\)`),
	// January 2007, Volume 18, Issue 3; Vol. 12 (2019)
	regexp.MustCompile(`(?i)\b(?:vol\.?|volume)\s*\d+\b[^\n]{0,40}?\b` + yearRE + `\b`),
	regexp.MustCompile(`(?i)\b` + yearRE + `\b[^\n]{0,40}?\b(?:vol\.?|volume)\s*\d+`),
	regexp.MustCompile(`(?m)(?:^|[;|/]\s*)(?:Accepted|ACCEPTED)\b\s*(?:for publication)?\s*:?[^\n;|/]{0,30}?\b` + yearRE + `\b`),
	regexp.MustCompile(`(?m)(?:^|[;|/]\s*)(?:Received|RECEIVED|Submitted|SUBMITTED)\b\s*:?[^\n;|/]{0,30}?\b` + yearRE + `\b`),
	// arXiv:1504.06236v2 [cs.SI] 24 Apr 2015 (the version's date)
	regexp.MustCompile(`arXiv:\S+\s+\[[^\]\n]*\]\s+\d{1,2}\s+[A-Z][a-z]{2}\s+` + yearRE),
}

// firstPageYear returns the year the most trusted rule of yearRules finds:
// publication date, citation line, copyright line, journal header
// ("(2014) 126", "Volume 18 … 2007"), accepted date, received date, arXiv
// stamp; 0 if none matches. It cannot tell a reprint's copyright year
// from the original's.
func firstPageYear(text string) int {
	for _, re := range yearRules {
		if m := re.FindStringSubmatch(text); m != nil {
			for _, g := range m[1:] {
				if y, err := strconv.Atoi(g); err == nil {
					return y
				}
			}
		}
	}
	return 0
}

// Limits of the title search: the author line must be among the first
// authorWindow non-empty lines (a journal's side bar can come before the
// title, as PeerJ's does), and a title has at most maxTitleLines lines.
const (
	authorWindow  = 20
	maxTitleLines = 3
	maxTitleLen   = 300
)

// firstPageTitle returns the title of a paper from its first page, or ""
// when unsure. The rule: a title is the block of one to three lines right
// above the first author line, where
//   - an author line is made of personal names (two to four capitalised
//     words or initials; see plainName) separated by "," ";" "&" or "and",
//     with affiliation marks (digits, * † ‡ …) and e-mail addresses
//     allowed; a single name without initial, mark or address followed by
//     another author-like line is taken for the end of a title instead
//     ("… Multi-way / Spectroscopic Measurements / Katharine M. Mullen"), and
//     so is one of more than three words;
//     a line continuing the one above (see continues) is no author line;
//   - the block stops at a break line above it (see isBreakLine: journal
//     headers, URLs, DOIs, dates, e-mail, licence text, article-type labels
//     such as "Research Article"), and a line joins the block only if it
//     continues into the next one, or is itself first after a break or at
//     the top of the page;
//   - the block must read as a title: at least 4 words and 20 letters,
//     letters outnumbering other characters, at most 300 bytes.
//
// The search stops at the abstract or introduction heading. It fails (empty
// title) on pages whose title has no author line under it, with the names
// beside the title rather than below it, or laid out in columns the text
// extraction interleaves. It goes wrong when a running head that no rule
// recognises (a journal name whose first letter was set apart as a logo)
// stands right above the title's first line with nothing between them:
// that line is then taken into the title.
func firstPageTitle(text string) string {
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = collapseSpace(lines[i])
	}
	nonEmpty := 0
	for i, l := range lines {
		if l == "" {
			continue
		}
		nonEmpty++
		if nonEmpty > authorWindow || isHeading(l) {
			break
		}
		if i == 0 || !isAuthorLine(lines, i) {
			continue
		}
		if t := titleAbove(lines, i); t != "" {
			return t
		}
	}
	return ""
}

// titleAbove returns the title block right above the author line at a.
func titleAbove(lines []string, a int) string {
	j := a - 1
	if j < 0 || isBreakLine(lines[j]) {
		return ""
	}
	start := j
	for a-start < maxTitleLines {
		k := start - 1
		if k < 0 || isBreakLine(lines[k]) {
			break
		}
		if !continues(lines[k], lines[start]) && k > 0 && !isBreakLine(lines[k-1]) {
			break
		}
		start = k
	}
	var b strings.Builder
	for i := start; i < a; i++ {
		l := lines[i]
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	title := strings.TrimRightFunc(b.String(), func(r rune) bool {
		return strings.ContainsRune("*∗†‡§¶,;", r) || unicode.IsSpace(r)
	})
	if !readsAsTitle(title) {
		return ""
	}
	return title
}

// readsAsTitle: at least 4 words and 20 letters, letters outnumbering
// other characters, and at most maxTitleLen bytes (longer is prose or
// columns run together).
func readsAsTitle(t string) bool {
	if len(t) > maxTitleLen {
		return false
	}
	letters, others := letterCount(t)
	return len(strings.Fields(t)) >= 4 && letters >= 20 && letters > others
}

// functionWords end a line that the next one continues: "… for the
// development / of N-domain …".
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "and": true,
	"or": true, "in": true, "on": true, "at": true, "to": true, "with": true,
	"from": true, "by": true, "via": true, "into": true, "over": true,
	"under": true, "between": true, "through": true, "towards": true,
	"toward": true, "as": true, "its": true, "their": true, "about": true,
	"after": true, "before": true, "without": true, "within": true,
	"versus": true, "vs.": true, "among": true, "across": true,
}

// continues tells whether line below carries on line above: above ends
// with a function word, a colon or a hyphen, or below starts lowercase.
func continues(above, below string) bool {
	if above == "" || below == "" {
		return false
	}
	if last, _ := utf8.DecodeLastRuneInString(above); strings.ContainsRune(":-–—", last) {
		return true
	}
	words := strings.Fields(above)
	if functionWords[strings.ToLower(words[len(words)-1])] {
		return true
	}
	first, _ := utf8.DecodeRuneInString(below)
	return unicode.IsLower(first)
}

var (
	emailRE     = regexp.MustCompile(`\S+@\S+\.\S+`)
	markRE      = regexp.MustCompile(`[0-9*∗†‡§¶#☯✉⁎⋆★$+]+|\s[a-z](?:,[a-z])*(?:\s|$)`)
	nameSepRE   = regexp.MustCompile(`\s*(?:,|;|&|\band\b)\s*`)
	initialRE   = regexp.MustCompile(`(?:^|\s)\p{Lu}\.`)
	urlRE       = regexp.MustCompile(`(?i)https?://|www\.|\.(?:com|org|edu|net)/`)
	monthYearRE = regexp.MustCompile(`(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?(?:19|20)\d{2}\b`)
	dateRE      = regexp.MustCompile(`\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b`)
	issueRE     = regexp.MustCompile(`(?i)\b(?:vol\.?|volume|issue|no\.|pp\.|pages)\s*\d`)
	breakWordRE = regexp.MustCompile(`(?i)©|\bcopyright\b|creative commons|\blicen[cs]|open access|all rights reserved|\bissn\b|printed in|^arxiv:|^(?:received|accepted|published|submitted|revised|available online)\b|corresponding author|correspondence|^e-?mail\b|^tel\b|^fax\b|^keywords\b|^c\s+(?:19|20)\d{2}\b|^academic editor|^edited by|^journal of\b|^proceedings of\b|^proc\.|^transactions on\b|^annals of\b`)
)

// labelWords make up article-type labels ("Research Article", "Original
// Paper", "Notes", "Case Report").
var labelWords = map[string]bool{
	"research": true, "article": true, "articles": true, "original": true,
	"review": true, "reviews": true, "letter": true, "letters": true,
	"report": true, "reports": true, "brief": true, "short": true,
	"communication": true, "communications": true, "paper": true,
	"papers": true, "editorial": true, "commentary": true, "perspective": true,
	"perspectives": true, "essay": true, "note": true, "notes": true,
	"technical": true, "full": true, "regular": true, "invited": true,
	"open": true, "access": true, "opinion": true, "hypothesis": true,
	"methods": true, "method": true, "protocol": true, "case": true,
	"study": true, "mini": true, "minireview": true, "news": true,
	"views": true, "survey": true, "tutorial": true, "focus": true,
	"highlights": true, "special": true, "issue": true, "section": true,
	"feature": true, "extended": true, "abstract": true, "rapid": true,
	"contribution": true, "contributions": true, "&": true, "and": true,
}

// isBreakLine tells whether a line cannot be part of a title: empty, a
// journal header, a URL, a DOI, an e-mail, a date, licence or copyright
// text, an article-type label, or mostly not letters (page numbers).
func isBreakLine(l string) bool {
	if l == "" || urlRE.MatchString(l) || strings.Contains(l, "@") ||
		FindDOI(l) != "" || strings.Contains(strings.ToLower(l), "doi:") ||
		monthYearRE.MatchString(l) || dateRE.MatchString(l) || issueRE.MatchString(l) ||
		breakWordRE.MatchString(l) {
		return true
	}
	words := strings.Fields(strings.ToLower(strings.Trim(l, " .:|")))
	label := len(words) <= 4
	for _, w := range words {
		label = label && labelWords[w]
	}
	if label {
		return true
	}
	letters, others := letterCount(l)
	return letters <= others
}

// headings end the front matter.
var headingRE = regexp.MustCompile(`(?i)^(?:\d+\.?\s*|[ivx]+\.\s*)?(?:abstract|summary|introduction|keywords|background)\b\s*[.:—–-]?`)

func isHeading(l string) bool {
	m := headingRE.FindString(l)
	if m == "" {
		return false
	}
	// "Abstract", "1 Introduction", "Abstract. We …" but not "Abstracts of
	// …" or "Background subtraction for …" as a title.
	rest := strings.TrimSpace(l[len(m):])
	return rest == "" || strings.ContainsAny(m, ".:—–-") || strings.ToUpper(m) == m
}

// isAuthorLine tells whether line i lists authors (see firstPageTitle).
func isAuthorLine(lines []string, i int) bool {
	l := lines[i]
	if i > 0 && continues(lines[i-1], l) {
		return false
	}
	names, strong, ok := authorNames(l)
	if !ok {
		return false
	}
	if names == 1 && !strong {
		// A bare single name: at most three words, and not followed by
		// another author-like line.
		if len(strings.Fields(l)) > 3 {
			return false
		}
		for _, next := range lines[i+1:] {
			if next == "" {
				continue
			}
			_, _, nextOK := authorNames(next)
			return !nextOK
		}
	}
	return true
}

// authorNames reads l as a list of personal names. strong is true when
// more than a bare name shows it is an author line: several names, an
// initial, an affiliation mark or an e-mail address.
func authorNames(l string) (names int, strong, ok bool) {
	stripped := emailRE.ReplaceAllString(l, " ")
	strong = stripped != l
	s := markRE.ReplaceAllString(stripped, ", ")
	strong = strong || s != stripped || initialRE.MatchString(s)
	for _, piece := range nameSepRE.Split(s, -1) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		if _, ok := plainName(piece); !ok {
			return 0, false, false
		}
		names++
	}
	return names, strong || names > 1, names > 0
}
