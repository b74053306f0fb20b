package offline

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opusblocks/opus/internal/contract"
	"github.com/opusblocks/opus/internal/textnorm"
)

const (
	// maxFactsPerPage keeps long documents manageable: the best-scored
	// sentences of a page are kept, in page order.
	maxFactsPerPage = 12
	minFactRunes    = 40
	// maxFactRunes is the contract's limit on a fact's text.
	maxFactRunes = 300
	// maxQuoteBytes is the contract's limit on a quote; the quote is the
	// raw page text, which can be longer than the fact's text.
	maxQuoteBytes = 600
	// minStrict is the number of claims with an English verb below which a
	// page's verbless prose sentences are kept too.
	minStrict = 5
)

// Librarian proposes the sentences of each page that state something as
// facts. The quote is the sentence exactly as it appears in the page text
// (line breaks and hyphenation included), so it anchors in its page; the
// text is the same sentence normalised (textnorm.Normalize), so every number
// of the text is in the quote. Sentences with the same text are proposed
// once per chunk.
func Librarian(in contract.LibrarianInput) contract.LibrarianOutput {
	out := contract.LibrarianOutput{Facts: []contract.ExtractedFact{}}
	seen := map[string]bool{}
	for _, p := range in.Pages {
		var cands []candidate
		onPage := map[string]bool{}
		for _, c := range pageCandidates(p.Text) {
			c.key = textnorm.Fold(c.text)
			if !seen[c.key] && !onPage[c.key] {
				onPage[c.key] = true
				cands = append(cands, c)
			}
		}
		// Only what is proposed counts as seen: a sentence cut by the cap
		// here may still come from a later page.
		for _, c := range best(cands, maxFactsPerPage) {
			seen[c.key] = true
			out.Facts = append(out.Facts, contract.ExtractedFact{Text: c.text, Quote: c.quote, Page: p.No, Kind: c.kind})
		}
	}
	return out
}

// candidate is a sentence that passed the claim filter.
type candidate struct {
	text, quote, kind string
	key               string // textnorm.Fold(text), for de-duplication
	score, order      int
}

// best keeps the n best-scored candidates, in their page order.
func best(cands []candidate, n int) []candidate {
	if len(cands) <= n {
		return cands
	}
	ranked := append([]candidate(nil), cands...)
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].score > ranked[j].score })
	ranked = ranked[:n]
	sort.Slice(ranked, func(i, j int) bool { return ranked[i].order < ranked[j].order })
	return ranked
}

// pageCandidates segments a page into sentences and keeps the claims. When
// a page has fewer than minStrict claims with an English verb (Latin,
// German, terse notes), prose sentences without one are kept too, ranked
// below the rest.
func pageCandidates(page string) []candidate {
	var strict, prose []candidate
	for _, b := range blocks(page) {
		m := textnorm.NormalizeMapped(page[b.start:b.end])
		for _, sp := range sentences(m.Text) {
			i, j := trimLabel(m.Text, sp[0], sp[1])
			// Too short or long to be a claim (claimLevel counts runes, of
			// 1 to 4 bytes each): skip before any pattern runs over it.
			if j-i < minFactRunes || j-i > maxFactRunes*utf8.UTFMax || isBoiler(m.Text[sp[0]:sp[1]]) {
				continue
			}
			text := m.Text[i:j]
			level := claimLevel(text)
			if level == notClaim {
				continue
			}
			s, e := m.Span(i, j)
			quote := page[b.start+s : b.start+e]
			if len(quote) > maxQuoteBytes {
				continue
			}
			hasNum, hasQuantity := numbersIn(text)
			kind := kindFrom(text, hasNum, hasQuantity)
			c := candidate{text: text, quote: quote, kind: kind, score: score(text, kind, hasNum), order: len(strict) + len(prose)}
			if level == claim {
				strict = append(strict, c)
			} else {
				c.score -= 10
				prose = append(prose, c)
			}
		}
	}
	if len(strict) >= minStrict || len(prose) == 0 {
		return strict
	}
	out := append(strict, prose...)
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}

// span is a byte range of the page.
type span struct{ start, end int }

// line is one line of the page with its byte range (line break excluded).
type line struct {
	span
	text string // trimmed
}

func splitLines(page string) []line {
	var out []line
	start := 0
	for i := 0; i <= len(page); i++ {
		if i < len(page) && page[i] != '\n' && page[i] != '\r' {
			continue
		}
		out = append(out, line{span{start, i}, strings.TrimSpace(page[start:i])})
		if i+1 < len(page) && page[i] == '\r' && page[i+1] == '\n' {
			i++
		}
		start = i + 1
	}
	return out
}

var referencesHeading = regexp.MustCompile(`(?i)^(\d+\.?\s*)?(references|bibliography|literature cited|works cited|literatur|literaturverzeichnis)$`)

// blocks splits a page at blank lines and around heading-like lines, so a
// heading never runs into the sentence after it, and stops at a
// references heading: nothing after it is a claim of the document.
func blocks(page string) []span {
	lines := splitLines(page)
	median := medianLength(lines)
	var out []span
	cur := span{-1, -1}
	flush := func() {
		if cur.start >= 0 {
			out = append(out, cur)
		}
		cur = span{-1, -1}
	}
	add := func(l line) {
		if cur.start < 0 {
			cur.start = l.start
		}
		cur.end = l.end
	}
	for n, l := range lines {
		if l.text == "" {
			flush()
			continue
		}
		if referencesHeading.MatchString(l.text) {
			flush()
			return out
		}
		next := ""
		for _, m := range lines[n+1:] {
			if m.text != "" {
				next = m.text
				break
			}
		}
		if isHeading(l.text, next, median, n == firstLine(lines)) {
			flush()
			add(l)
			flush()
			continue
		}
		add(l)
	}
	flush()
	return out
}

func medianLength(lines []line) int {
	var ns []int
	for _, l := range lines {
		if l.text != "" {
			ns = append(ns, utf8.RuneCountInString(l.text))
		}
	}
	if len(ns) == 0 {
		return 0
	}
	sort.Ints(ns)
	return ns[len(ns)/2]
}

func firstLine(lines []line) int {
	for n, l := range lines {
		if l.text != "" {
			return n
		}
	}
	return -1
}

// isHeading reports a short line that does not end a sentence or a word
// and is followed by a line that starts one: "2. Methods", "Introduction",
// "RESEARCH ARTICLE". The first line of a page may be long: it is usually
// a running header ("Annals of Imaginary Studies 3").
func isHeading(text, next string, median int, top bool) bool {
	n := utf8.RuneCountInString(text)
	if n == 0 || next == "" || (!top && (median < 20 || n*10 > median*7)) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	if strings.ContainsRune(".,;:!?-\u00AD\u0002\uFFFE\u2010\u2011", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(text)
	nfirst, _ := utf8.DecodeRuneInString(next)
	return (unicode.IsUpper(first) || unicode.IsDigit(first)) && (unicode.IsUpper(nfirst) || unicode.IsDigit(nfirst))
}

// abbreviations end in a full stop that does not end the sentence.
var abbreviations = map[string]bool{}

func init() {
	for _, a := range strings.Fields(`al e.g i.e fig figs eq eqs ref refs vs cf approx resp dr mr mrs ms
		prof no nos vol vols pp p sec secs tab ch ca inc ltd jr sr st viz etc dept univ est spp sp
		var cv ed eds proc conf jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k ph.d`) {
		abbreviations[a] = true
	}
}

// sentences splits a normalised block into sentence ranges. A full stop
// ends a sentence when a space and a capital, digit or quote follow and the
// word before it is not an abbreviation or an initial; decimals ("0.05")
// never qualify because no space follows their point. It runs in time
// linear in len(t).
func sentences(t string) [][2]int {
	var out [][2]int
	start := 0
	runEnd := 0 // end of the last run of closing punctuation scanned
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		// Every stop inside one run ("......", "?!)") shares the run's end;
		// scanning it again for each would be quadratic in the run.
		j := runEnd
		if i >= runEnd {
			j = i + 1
			for j < len(t) && strings.IndexByte(".!?\"')]", t[j]) >= 0 {
				j++
			}
			runEnd = j
		}
		if j < len(t) && t[j] != ' ' {
			continue
		}
		if j < len(t) {
			next, _ := utf8.DecodeRuneInString(t[j+1:])
			// A bracket after a full stop is a citation or an aside
			// ("L.) [26]"), not a new sentence.
			if !unicode.IsUpper(next) && !unicode.IsDigit(next) && next != '"' && next != '\'' {
				continue
			}
			if c == '.' && isAbbreviation(t, start, i) {
				continue
			}
		}
		out = append(out, [2]int{start, j})
		start = j + 1
		i = j
	}
	if start < len(t) {
		out = append(out, [2]int{start, len(t)})
	}
	return out
}

// isAbbreviation reports whether the full stop at i closes an abbreviation
// or an initial ("et al.", "Fig.", "e.g.", "J. Smith") rather than a
// sentence. A single capital is an initial only after a capitalised word or
// before another initial, so "drug B. The" still ends a sentence.
func isAbbreviation(t string, start, i int) bool {
	k := i
	for k > start {
		r, w := utf8.DecodeLastRuneInString(t[:k])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		k -= w
	}
	word := strings.TrimLeft(t[k:i], ".")
	if word == "" {
		return false
	}
	if abbreviations[strings.ToLower(word)] {
		return true
	}
	if utf8.RuneCountInString(word) != 1 || !unicode.IsUpper([]rune(word)[0]) {
		return false
	}
	// The word before: only its first letter matters. Looking at the last
	// word alone (not splitting the whole sentence so far) keeps sentences
	// linear on a run of initials ("A. B. C. …").
	prev := strings.TrimRightFunc(t[start:k], unicode.IsSpace)
	if prev == "" {
		return true
	}
	if n := strings.LastIndexFunc(prev, unicode.IsSpace); n >= 0 {
		_, w := utf8.DecodeRuneInString(prev[n:])
		prev = prev[n+w:]
	}
	if p, _ := utf8.DecodeRuneInString(prev); unicode.IsUpper(p) {
		return true
	}
	rest := t[i+1:]
	return len(rest) >= 3 && rest[0] == ' ' && unicode.IsUpper(rune(rest[1])) && rest[2] == '.'
}

var labelRE = regexp.MustCompile(`^(?:(?:Abstract|ABSTRACT|Summary|SUMMARY)[.:\-]?\s+|(?:[A-Z][a-z]+)(?:\s[A-Za-z]+){0,2}:\s+|[•·*]\s*)`)

// trimLabel drops a leading section label ("Abstract", "Results:") or a
// bullet from the sentence at [i, j).
func trimLabel(t string, i, j int) (int, int) {
	for n := 0; n < 3; n++ {
		loc := labelRE.FindStringIndex(t[i:j])
		if loc == nil {
			break
		}
		i += loc[1]
	}
	return i, j
}

var (
	captionRE  = regexp.MustCompile(`^(?i:fig\.?|figure|table|tab\.|algorithm|listing|scheme|eq\.|equation|supplementary)\s*[A-Z]?\d`)
	yearRE     = regexp.MustCompile(`\b(19|20)\d\d[a-z]?\b`)
	refStartRE = regexp.MustCompile(`^(\[\d+\]|\d+\.\s+[A-Z][a-z]+,)`)
	refWordRE  = regexp.MustCompile(`\b(Proc\.|Proceedings|Journal|vol\.|pp\.|In:|Conference|University Press|arXiv|Trans\.)`)
	urlRE      = regexp.MustCompile(`\S*(://|www\.|@|doi:|doi\.org)\S*`)
	// urlCues are the literals urlRE needs: without one it cannot match.
	urlCues = []string{"://", "www.", "@", "doi:", "doi.org"}
)

// boilerCues mark licence notices, addresses and editorial front matter.
var boilerCues = []string{"copyright", "©", "all rights reserved", "open access", "creative commons", "license", "licence",
	"downloaded from", "correspondence", "academic editor", "received:", "accepted:", "published:", "citation:", "editor:",
	"funding:", "competing interests", "author contributions", "data availability", "e-mail", "tel."}

// isBoiler reports a sentence that contains a boilerplate cue, in any case.
// It matches as a case-insensitive regular expression of the cues would
// (which also reads the Kelvin sign as k and the long s as s), several
// times faster: it runs on every sentence of every page.
func isBoiler(t string) bool {
	b := make([]byte, 0, len(t))
	for _, r := range t {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == '\u212A':
			r = 'k'
		case r == '\u017F':
			r = 's'
		}
		b = utf8.AppendRune(b, r)
	}
	return containsAny(string(b), boilerCues)
}

// countInitials counts the initials of t: a capital letter and a full stop
// after a word boundary, as `\b[A-Z]\.` would match (\b is ASCII-only).
func countInitials(t string) int {
	n := 0
	for p := 0; p+1 < len(t); p++ {
		if 'A' <= t[p] && t[p] <= 'Z' && t[p+1] == '.' && (p == 0 || !isWordByte(t[p-1])) {
			n++
		}
	}
	return n
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

const mathChars = "=+<>^_{}\\|~∑∏∫√∂∈∀∃≤≥≠≈→←↔⇒⇔"

// Levels of claimLevel.
const (
	notClaim = iota
	proseOnly
	claim
)

// claimLevel is the claim filter. A claim is a whole sentence of ordinary
// prose, not a heading, caption, reference entry, equation, address or
// licence notice, with a verb. A sentence that passes all but the verb test
// is proseOnly when most of its words are in lower case (as prose is, and
// addresses and titles are not).
func claimLevel(t string) int {
	n := utf8.RuneCountInString(t)
	if n < minFactRunes || n > maxFactRunes {
		return notClaim
	}
	first, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return notClaim // a fragment continuing from the previous page
	}
	if end := strings.TrimRight(t, "\"')]"); !strings.HasSuffix(end, ".") && !strings.HasSuffix(end, "!") {
		return notClaim // a fragment running onto the next page, or a question
	}
	var letters, upper, visible, maths int
	for _, r := range t {
		switch {
		case unicode.IsLetter(r):
			letters++
			visible++
			if unicode.IsUpper(r) {
				upper++
			}
		case strings.ContainsRune(mathChars, r):
			maths++
			visible++
		case !unicode.IsSpace(r):
			visible++
		}
	}
	switch {
	case letters*100 < visible*65, upper*10 > letters*7, maths > 3, strings.Contains(t, ":="):
		return notClaim
	case captionRE.MatchString(t), refStartRE.MatchString(t), isBoiler(t):
		return notClaim
	}
	year := yearRE.MatchString(t)
	initials := countInitials(t)
	if (year && initials >= 2) || (year && refWordRE.MatchString(t)) || initials >= 4 {
		return notClaim
	}
	urls := 0
	if containsAny(t, urlCues) { // most sentences have none: skip the pattern
		for _, u := range urlRE.FindAllString(t, -1) {
			urls += len(u)
		}
	}
	if urls*4 >= len(t) {
		return notClaim
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) < 6 {
		return notClaim
	}
	lower := 0
	for _, w := range words {
		lw := strings.ToLower(w)
		r, _ := utf8.DecodeRuneInString(w)
		// A capitalised "-ed" word is a name ("United States"), not a verb.
		if verbs[lw] || (unicode.IsLower(r) && len(lw) >= 5 && strings.HasSuffix(lw, "ed") && !notVerbs[lw]) {
			return claim
		}
		if unicode.IsLower(r) {
			lower++
		}
	}
	if len(words) >= 8 && lower*2 >= len(words) {
		return proseOnly
	}
	return notClaim
}

// isClaim reports a sentence that passes the claim filter with a verb.
func isClaim(t string) bool { return claimLevel(t) == claim }

// verbs are common finite verbs of scientific prose (and a few German
// ones, for the lecture notes in the corpus).
var verbs = map[string]bool{}

// notVerbs end in "-ed" without being verbs.
var notVerbs = map[string]bool{"hundred": true, "indeed": true, "speed": true, "seed": true, "need": true, "breed": true}

func init() {
	for _, w := range strings.Fields(`is are was were be been being has have had can could may might will would
		shall should must does do did show shows shown suggest suggests indicate indicates demonstrate
		demonstrates reveal reveals increase increases decrease decreases reduce reduces improve improves
		use uses propose proposes present presents describe describes provide provides require requires
		depend depends consist consists contain contains yield yields achieve achieves outperform
		outperforms lead leads allow allows enable enables compute computes find finds found remain remains
		occur occurs appear appears seem seems follow follows make makes made take takes took give gives
		gave produce produces report reports obtain obtains perform performs apply applies include includes
		represent represents correspond corresponds denote denotes define defines refer refers exhibit
		exhibits differ differs exceed exceeds become becomes became tend tends affect affects cause
		causes involve involves relate relates play plays help helps lack lacks need needs offer offers
		explain explains predict predicts run runs ran grow grows grew fall falls fell rise rises rose
		ist sind wird werden wurde wurden hat haben kann können gilt heißt`) {
		verbs[w] = true
	}
}

func containsAny(t string, cues []string) bool {
	for _, c := range cues {
		if strings.Contains(t, c) {
			return true
		}
	}
	return false
}

var (
	definitionCues = []string{" is defined as", " are defined as", " refers to", " refer to", "we define", " denotes", " is called", " are called", " is termed", " are termed"}
	limitationCues = []string{"limitation", "a caveat", "shortcoming", "future work", "future research", "future studies", "interpreted with caution", "small sample"}
	methodStrong   = []string{"we propose", "we present", "we introduce", "we develop", "we design", "we describe", "this paper presents", "this paper proposes", "in this paper"}
	methodWeak     = []string{"we used", "we use", "we applied", "we trained", "we implemented", "was measured", "were measured", "was calculated", "were calculated", "was assessed", "were assessed", "was determined", "were determined", "were collected", "were analyzed", "were analysed", "was performed", "were performed", "algorithm", "method", "procedure", "protocol", "randomised", "randomized"}
	resultCues     = []string{"increase", "decrease", "reduc", "improv", "outperform", "higher", "lower", "greater", "fewer", "associated", "significant", "showed", "found", "demonstrat", "resulted", "achiev", "correlat", "accuracy", "effect"}
	populationCues = []string{"patients", "participants", "subjects", "volunteers", "enrolled", "recruited", "cohort", "respondents", "children", "adults", "women", "men "}
	backgroundCues = []string{"previous", "prior work", "previously", "has been", "have been", "is known", "well known", "well-known", "widely", "recent years", "commonly", "literature"}
)

// kindOf assigns a fact kind from simple cues.
func kindOf(t string) string {
	hasNum, hasQuantity := numbersIn(t)
	return kindFrom(t, hasNum, hasQuantity)
}

// numbersIn reports whether t has a number and whether one is a quantity
// (a percentage, comparison, unit or fold change). Tokenizing is the
// costly part of ranking, so it is done once per sentence.
func numbersIn(t string) (hasNum, hasQuantity bool) {
	for _, tok := range textnorm.Tokenize(t) {
		if tok.Kind != textnorm.Number {
			continue
		}
		hasNum = true
		if strings.ContainsAny(tok.Key, "%<=> ") || strings.HasSuffix(tok.Key, "x") {
			hasQuantity = true
		}
	}
	return hasNum, hasQuantity
}

// kindFrom is kindOf given numbersIn(t).
func kindFrom(t string, hasNum, hasQuantity bool) string {
	lt := strings.ToLower(t)
	switch {
	case containsAny(lt, definitionCues):
		return "definition"
	case containsAny(lt, limitationCues):
		return "limitation"
	case containsAny(lt, methodStrong):
		return "method"
	case hasNum && containsAny(lt, resultCues):
		return "finding"
	case hasQuantity:
		return "measurement"
	case containsAny(lt, populationCues):
		return "population"
	case containsAny(lt, methodWeak):
		return "method"
	case containsAny(lt, backgroundCues):
		return "background"
	}
	return "finding"
}

// score ranks a page's claims when there are more than the page may keep:
// results and numbers first, then self-contained sentences of middling
// length.
func score(t, kind string, hasNum bool) int {
	s := 0
	lt := strings.ToLower(t)
	if hasNum {
		s += 2
	}
	if containsAny(lt, resultCues) {
		s += 2
	}
	switch kind {
	case "definition", "limitation", "method":
		s++
	}
	if n := utf8.RuneCountInString(t); n >= 60 && n <= 250 {
		s++
	}
	if f := strings.Fields(t); len(f) > 0 {
		switch f[0] {
		case "It", "This", "These", "They", "He", "She", "Such", "Its", "Their", "Here":
			s-- // leans on the sentence before it
		}
	}
	return s
}
