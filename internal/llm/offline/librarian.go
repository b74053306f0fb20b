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
	// factsPerPage is how many facts a page gives when it has more
	// claims: the best-ranked, in page order. A claim that states a
	// statistic (keyStatistic) is kept whatever its rank, so a page rich
	// in results may give more.
	factsPerPage = 12
	minFactRunes = 40
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
// facts. Only the running text of the body is read: the layout rules
// (librarian_layout.go) cut out headings, reference lists, captions,
// running headers and footers and addresses first. The quote is the
// sentence exactly as it appears in the page text (line breaks and
// hyphenation included), so it anchors in its page; the text is the same
// sentence normalised (textnorm.Normalize), so every number of the text
// is in the quote. Sentences with the same text are proposed once per
// chunk.
func Librarian(in contract.LibrarianInput) contract.LibrarianOutput {
	out := contract.LibrarianOutput{Facts: []contract.ExtractedFact{}}
	lines := make([][]line, len(in.Pages))
	for i, p := range in.Pages {
		lines[i] = splitLines(p.Text)
	}
	layout := newChunkLayout(lines)
	seen := map[string]bool{}
	var fl flow
	for i, p := range in.Pages {
		var kinds []lineKind
		var bs []block
		kinds, fl = layout.pageLayout(lines[i], p.No == 1, fl)
		bs, fl.open = blocks(p.Text, lines[i], kinds, fl.open)
		var cands []candidate
		onPage := map[string]bool{}
		for _, c := range pageCandidates(p.Text, bs) {
			c.key = textnorm.Fold(c.text)
			if !seen[c.key] && !onPage[c.key] {
				onPage[c.key] = true
				cands = append(cands, c)
			}
		}
		// Only what is proposed counts as seen: a sentence ranked out
		// here may still come from a later page.
		for _, c := range rank(cands, factsPerPage) {
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
	stat              bool // states a statistic (keyStatistic)
}

// rank keeps, in page order, every candidate that states a statistic and
// the best-scored of the others up to n in all.
func rank(cands []candidate, n int) []candidate {
	if len(cands) <= n {
		return cands
	}
	ranked := append([]candidate(nil), cands...)
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].stat != ranked[j].stat {
			return ranked[i].stat
		}
		return ranked[i].score > ranked[j].score
	})
	keep := n
	for keep < len(ranked) && ranked[keep].stat {
		keep++
	}
	ranked = ranked[:keep]
	sort.Slice(ranked, func(i, j int) bool { return ranked[i].order < ranked[j].order })
	return ranked
}

// pageCandidates segments a page's body blocks into sentences and keeps
// the claims. When a page has fewer than minStrict claims with an English
// verb (Latin, German, terse notes), prose sentences without one are kept
// too, ranked below the rest.
func pageCandidates(page string, bs []block) []candidate {
	var strict, prose []candidate
	for _, b := range bs {
		m := textnorm.NormalizeMapped(page[b.start:b.end])
		for n, sp := range sentences(m.Text) {
			if n == 0 && b.continues {
				continue // the tail of a sentence a caption or a footer cut in two
			}
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
			toks := textnorm.Tokenize(text)
			stat := keyStatistic(toks)
			if level == proseOnly && stat == effectSize {
				level = claim // an estimate with its interval needs no verb of ours
			}
			hasNum, hasQuantity := numbersIn(toks)
			kind := kindFrom(text, stat, hasNum, hasQuantity)
			c := candidate{text: text, quote: quote, kind: kind, score: score(text, kind, hasNum), order: len(strict) + len(prose), stat: stat == effectSize || stat == sampleSize}
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

// abbreviations end in a full stop that does not end the sentence.
var abbreviations = map[string]bool{}

// titles are the abbreviations that stand before a name, capitalised.
var titles = map[string]bool{"dr": true, "mr": true, "mrs": true, "ms": true, "prof": true}

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
	if lw := strings.ToLower(word); abbreviations[lw] {
		// A title is capitalised: "ms" after a number is milliseconds.
		r, _ := utf8.DecodeRuneInString(word)
		return !titles[lw] || unicode.IsUpper(r)
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

var labelRE = regexp.MustCompile(`^(?:(?:Abstract|ABSTRACT|Summary|SUMMARY)[.:\-]?\s+|(?:[A-Z][a-z]+)(?:\s[A-Za-z]+){0,2}:\s+|[` + bullets + `]\s*)`)

// trimLabel drops a leading section label ("Abstract", "Results:", a
// label glued to its sentence: "Methods We searched …") or a bullet from
// the sentence at [i, j).
func trimLabel(t string, i, j int) (int, int) {
	for n := 0; n < 3; n++ {
		if loc := labelRE.FindStringIndex(t[i:j]); loc != nil {
			i += loc[1]
		} else if k := gluedLabel(t[i:j]); k > 0 {
			i += k
		} else {
			break
		}
	}
	return i, j
}

// gluedLabel returns the length of a section label at the start of s that
// runs into its sentence without a stop ("Results Nine trials …", a
// structured abstract's layout), with the space after it: the label is
// one of sectionLabels, in capitals or capitalised, and the next word
// starts with a capital or a digit. It returns 0 when there is none.
func gluedLabel(s string) int {
	// The first three words, each with the space after it, and the rest.
	f := strings.SplitAfterN(s, " ", 4)
	for n := 3; n >= 1; n-- { // "Materials and methods", "Key words", "Results"
		if len(f) <= n {
			continue
		}
		k := 0 // the bytes of the first n words
		for _, w := range f[:n] {
			k += len(w)
		}
		label := strings.TrimSpace(s[:k])
		first, _ := utf8.DecodeRuneInString(label)
		next, _ := utf8.DecodeRuneInString(f[n])
		if sectionLabels[strings.ToLower(label)] && unicode.IsUpper(first) && (unicode.IsUpper(next) || unicode.IsDigit(next)) {
			return k
		}
	}
	return 0
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
	// Digits do not count against prose: a sentence that reports an
	// estimate with its interval and p-value is mostly numbers.
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
		case !unicode.IsSpace(r) && !unicode.IsDigit(r):
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
	for n, w := range words {
		if isVerb(w, n == 0) {
			return claim
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
			lower++
		}
	}
	if len(words) >= 8 && lower*2 >= len(words) {
		return proseOnly
	}
	return notClaim
}

// isVerb reports a finite verb of scientific prose (verbs) or a lower-case
// "-ed" form. Only the first word may be capitalised: inside a sentence a
// capitalised word is a name or a title's word ("United Provinces", "the
// Spring Meeting, May 2031").
func isVerb(w string, first bool) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !first && unicode.IsUpper(r) {
		return false
	}
	lw := strings.ToLower(w)
	return verbs[lw] || (unicode.IsLower(r) && len(lw) >= 5 && strings.HasSuffix(lw, "ed") && !notVerbs[lw])
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
	toks := textnorm.Tokenize(t)
	hasNum, hasQuantity := numbersIn(toks)
	return kindFrom(t, keyStatistic(toks), hasNum, hasQuantity)
}

// numbersIn reports whether a sentence's tokens hold a number and whether
// one is a quantity (a percentage, comparison, unit or fold change).
// Tokenizing is the costly part of ranking, so it is done once per
// sentence.
func numbersIn(toks []textnorm.Token) (hasNum, hasQuantity bool) {
	for _, tok := range toks {
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

// Kinds of statistic keyStatistic finds.
const (
	noStatistic = iota
	sampleSize  // "n = 120", "312 participants"
	effectSize  // a p-value, a confidence interval, an effect estimate or a relative change
)

var (
	// effectNames name an effect estimate when a number follows them
	// ("OR 2.4", "r = 0.52", "AUC of 0.83"); the last word of a name of
	// several words ("odds ratio", "mean difference") counts.
	effectNames = map[string]bool{}
	// sampleNouns are what a sample size counts ("120 patients").
	sampleNouns = map[string]bool{}
	// changeCues make a percentage or a fold change an effect ("lowered
	// by 27%", "3x faster").
	changeCues = []string{"increas", "decreas", "reduc", "improv", "outperform", "faster", "slower", "higher", "lower",
		"better", "worse", "more than", "less than", "fewer", "speedup", "speed-up", "gain", "drop", "fell", "rose", "error"}
)

func init() {
	for _, w := range strings.Fields(`OR ORs aOR RR RRs aRR HR HRs aHR IRR WMD SMD MD RD ARR NNT AUC AUROC ROC r R2 R² ρ β κ ratio ratios difference differences size sizes coefficient correlation`) {
		effectNames[w] = true
	}
	for _, w := range strings.Fields(`participants patients subjects volunteers respondents individuals people persons adults children
		infants adolescents women men students pupils users workers employees nurses physicians clinicians cases controls
		mice rats animals households studies trials RCTs cohorts`) {
		sampleNouns[w] = true
	}
}

// keyStatistic reports what statistic a sentence's tokens state: an
// effect (a p-value, a confidence interval, a named estimate with its
// value, a percentage or fold change with a word of change), a sample
// size ("n = 120", a count of participants), or none. The numbers are
// read by textnorm's tokenizer, which knows p-values and units.
func keyStatistic(toks []textnorm.Token) int {
	found := noStatistic
	text := func(k int) string {
		if k < 0 || k >= len(toks) || toks[k].Kind != textnorm.Word {
			return ""
		}
		return toks[k].Text
	}
	for k, tok := range toks {
		if tok.Kind != textnorm.Number {
			continue
		}
		key := tok.Key
		switch {
		case len(key) > 1 && key[0] == 'p' && strings.ContainsRune("<>=", rune(key[1])):
			return effectSize // p < 0.05
		case strings.HasSuffix(key, "%") && (text(k+1) == "CI" || strings.EqualFold(text(k+1), "confidence")):
			return effectSize // 95% CI
		case effectNames[text(k-1)] || (effectNames[text(k-2)] && isLinkWord(text(k-1))):
			return effectSize // OR 2.4, r = 0.52, an odds ratio of 1.9
		case isCount(tok) && (strings.EqualFold(text(k-1), "n") || sampleNouns[text(k+1)] || (sampleNouns[text(k+2)] && text(k+1) != "")):
			found = sampleSize // n = 120, 312 participants, 85 adult patients
		}
	}
	if _, hasQuantity := numbersIn(toks); !hasQuantity || !hasChange(toks) {
		return found
	}
	// The words, lower-cased and spaced, for the cues of change.
	var lower strings.Builder
	for _, tok := range toks {
		if tok.Kind == textnorm.Word {
			lower.WriteString(strings.ToLower(tok.Text))
			lower.WriteByte(' ')
		}
	}
	if containsAny(lower.String(), changeCues) {
		return effectSize
	}
	return found
}

// isCount reports a whole number without a unit: "120", "1,200",
// "fifteen" (not "17%" or "52 years").
func isCount(tok textnorm.Token) bool {
	return tok.Q != nil && tok.Q.Dim == "" && tok.Q.Cmp == "" && tok.Q.Value.IsInt() && tok.Q.Value.Sign() > 0
}

// isLinkWord joins a named estimate to its value: "AUC of 0.83".
func isLinkWord(w string) bool {
	switch w {
	case "of", "was", "were", "is", "are", "=":
		return true
	}
	return false
}

// hasChange reports a percentage or a fold change among the numbers.
func hasChange(toks []textnorm.Token) bool {
	for _, tok := range toks {
		if tok.Kind == textnorm.Number && (strings.HasSuffix(tok.Key, "%") || strings.HasSuffix(tok.Key, "x")) {
			return true
		}
	}
	return false
}

// kindFrom is kindOf given the sentence's statistic and numbersIn. A
// sentence that states an effect is a finding; one that states a sample
// size describes the population, unless it reports a result too.
func kindFrom(t string, stat int, hasNum, hasQuantity bool) string {
	lt := strings.ToLower(t)
	switch {
	case stat == effectSize:
		return "finding"
	case containsAny(lt, definitionCues):
		return "definition"
	case containsAny(lt, limitationCues):
		return "limitation"
	case containsAny(lt, methodStrong):
		return "method"
	case containsAny(lt, resultCues) && (hasNum || !containsAny(lt, backgroundCues)):
		return "finding"
	case stat == sampleSize:
		return "population"
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
