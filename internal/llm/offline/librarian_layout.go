package offline

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opusblocks/opus/internal/textnorm"
)

// The layout rules sort a page's lines before any sentence is cut: only
// the lines of the body's running text give fact candidates. Everything
// else a PDF's page text holds — headings, the reference list, figure and
// table captions, running headers and footers, the front matter's
// addresses — is cut out, and splits the text around it, so that it is
// never glued to a sentence. Each rule is a small function of a line and
// its neighbours; none knows any paper.

// lineKind is what a line of a page is.
type lineKind uint8

const (
	bodyLine       lineKind = iota
	blankLine               // nothing but spaces
	headingLine             // a section heading
	referenceLine           // a line of the reference list
	backMatterLine          // a line of the acknowledgements, funding, contributions …
	captionLine             // a figure or table caption
	furnitureLine           // a running header or footer, page number, journal or DOI line
	addressLine             // an affiliation, e-mail or correspondence line
	noteLine                // a footnote or an author note
	debrisLine              // a formula's or a table's debris: a line of a few letters
)

// flow is what one page's layout hands on to the next page of the chunk.
type flow struct {
	inRefs bool // the reference list runs on
	inBack bool // a back-matter section runs on
	open   bool // the body text stopped in the middle of a sentence
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

// chunkLayout is what the layout rules know about a chunk of pages: the
// lines repeated on two pages or more (running headers and footers).
type chunkLayout struct {
	repeated map[string]bool
}

// minRepeatedLetters is the least a repeated line must hold to be taken
// for a running header: shorter lines ("Table 1", "(a)") repeat by chance.
const minRepeatedLetters = 10

// newChunkLayout finds the lines that occur on more than one page of the
// chunk (each page's splitLines), compared without digits (page numbers
// change), case or spacing.
func newChunkLayout(pages [][]line) chunkLayout {
	count := map[string]int{}
	for _, p := range pages {
		onPage := map[string]bool{}
		for _, l := range p {
			if k := repeatKey(l.text); k != "" && !onPage[k] {
				onPage[k] = true
				count[k]++
			}
		}
	}
	c := chunkLayout{repeated: map[string]bool{}}
	for k, n := range count {
		if n > 1 {
			c.repeated[k] = true
		}
	}
	return c
}

// maxLayoutBytes is the length beyond which a line is body text: the
// layout rules' patterns need not run over it.
const maxLayoutBytes = 2000

// maxRepeated is the most lines of a page that running headers and
// footers take; when more repeat (a page given twice, a table on two
// pages), only those at the page's top and bottom are furniture.
const maxRepeated = 4

// repeatedLines marks the lines of a page repeated on another page.
type repeatedLines map[int]bool

func (r repeatedLines) few() bool { return len(r) <= maxRepeated }

// repeatedOn returns the page's lines that the chunk repeats.
func (c chunkLayout) repeatedOn(lines []line) repeatedLines {
	r := repeatedLines{}
	for n, l := range lines {
		if c.repeated[repeatKey(l.text)] {
			r[n] = true
		}
	}
	return r
}

// repeatKey is a line's letters, lower-cased, or "" for a line too short
// to tell. A running header is the same text on every page, so no
// normalisation is needed (and it runs on every line).
func repeatKey(text string) string {
	var b strings.Builder
	n := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(r))
			n++
		}
	}
	if n < minRepeatedLetters {
		return ""
	}
	return b.String()
}

// pageLayout sorts the lines of one page (first: the document's first
// page). in is what the chunk's page before it handed on; the flow it
// returns goes on to blocks, which sets its open for the next page.
func (c chunkLayout) pageLayout(lines []line, first bool, in flow) ([]lineKind, flow) {
	kinds := make([]lineKind, len(lines))
	median := medianLength(lines)
	body := nonBlank(lines)
	repeated := c.repeatedOn(lines)
	top := firstLine(lines)
	out := in
	for n, l := range lines {
		switch {
		case l.text == "":
			kinds[n] = blankLine
		case out.inRefs && endsReferences(l.text):
			out.inRefs = false
			kinds[n] = headingLine
		case out.inRefs:
			kinds[n] = referenceLine
		case len(l.text) > maxLayoutBytes:
			kinds[n] = bodyLine // no header, caption or address is this long
		case isReferencesHeading(l.text):
			out.inRefs, out.inBack = true, false
			kinds[n] = headingLine
		case (repeated[n] && (repeated.few() || edgeLine(body, n))) || isFurniture(l.text, edgeLine(body, n)):
			kinds[n] = furnitureLine
		case isAddress(l.text, first) || (first && n > 0 && kinds[n-1] == addressLine && isAddressContinuation(l.text)):
			kinds[n] = addressLine
		case isHeading(l.text, nextText(lines, n), median, n == top):
			out.inBack = isBackMatter(l.text)
			kinds[n] = headingLine
		case out.inBack:
			kinds[n] = backMatterLine
		case isDebris(l.text):
			kinds[n] = debrisLine
		}
	}
	markCaptions(lines, kinds)
	markNotes(lines, kinds, first)
	markReferenceEntries(lines, kinds)
	return kinds, out
}

var backMatterRE = regexp.MustCompile(`(?i)^(?:\d+\.?\s*)?(?:acknowledge?ments?|funding|financial support|author(?:s'|s’|’s|'s)? contributions?|contributors|competing interests?|conflicts? of interests?|declarations? of interests?|disclosures?|data availability|supporting information|supplementary (?:material|materials|data|information)|abbreviations|ethics statement)\b`)

// isBackMatter reports the heading of a section that makes no claim of
// the study: acknowledgements, funding, contributions, competing
// interests, data availability, supporting information. It runs to the
// next heading.
func isBackMatter(text string) bool { return backMatterRE.MatchString(text) }

// isDebris reports a line of fewer than four letters that ends no
// sentence and holds no function word of prose ("The", "of"): the pieces
// of a formula ("2σ", "exp", "(w") or of a table's cells ("0.31").
func isDebris(text string) bool {
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters >= 4 || endsSentence(text) {
		return false
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) >= 2 && textnorm.IsStopWord(w) {
			return false
		}
	}
	return true
}

// nonBlank returns the indexes of the lines with text.
func nonBlank(lines []line) []int {
	var out []int
	for n, l := range lines {
		if l.text != "" {
			out = append(out, n)
		}
	}
	return out
}

// edgeLines is how many lines at the top and at the bottom of a page
// running headers and footers take.
const edgeLines = 3

// edgeLine reports whether line n is among the first or last edgeLines
// lines with text.
func edgeLine(body []int, n int) bool {
	i := sort.SearchInts(body, n)
	return i < edgeLines || i >= len(body)-edgeLines
}

func nextText(lines []line, n int) string {
	for _, m := range lines[n+1:] {
		if m.text != "" {
			return m.text
		}
	}
	return ""
}

// medianLength is the median length of the page's lines of three words
// or more (a formula's debris, a line per symbol, does not count).
func medianLength(lines []line) int {
	var ns []int
	for _, l := range lines {
		if len(strings.Fields(l.text)) >= 3 {
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

var (
	referencesHeading = regexp.MustCompile(`(?i)^(?:\d+\.?\s*|[IVX]+\.\s*)?(?:references|references and notes|bibliography|literature cited|works cited|cited literature|literatur|literaturverzeichnis)$`)
	// What follows a reference list and is no part of it: an appendix,
	// named or lettered ("Appendix B", "A. Proofs", "B Data sets").
	afterReferences = regexp.MustCompile(`^(?i:(?:[A-Z\d]+\.?\s+)?(?:appendix|appendices|annex|supplementary|supporting information)\b)|^[A-H](?:\.\d+)*\.?\s+\p{Lu}\S*(?:\s+\S+){0,9}$`)
)

// isReferencesHeading reports the heading of a reference list: nothing
// after it on the page, or on the chunk's later pages, is a claim of the
// document, up to an appendix.
func isReferencesHeading(text string) bool { return referencesHeading.MatchString(text) }

// endsReferences reports a heading that ends a reference list: an
// appendix or supplementary material. It is short and has no comma, year
// or closing full stop, as a reference entry's line has.
func endsReferences(text string) bool {
	return utf8.RuneCountInString(text) < 80 && afterReferences.MatchString(text) && !strings.Contains(text, ",") &&
		!strings.HasSuffix(text, ".") && !yearRE.MatchString(text)
}

var (
	pageNumberRE = regexp.MustCompile(`(?i)^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$`)
	// A journal line: a year with a volume or pages ("2031;12:455",
	// "(2031) 44, 101–117", "Vol. 7", "pages 211–219").
	journalRE = regexp.MustCompile(`(?i)\b(?:19|20)\d\d\s*[;:]\s*\d|\((?:19|20)\d\d\)\s*\d+\s*[,:(]|\bvol(?:ume)?\.?\s*\d|\bpages?\s+\d+\s*[–-]\s*\d+`)
	doiRE     = regexp.MustCompile(`(?i)\bdoi\s*:|doi\.org/|\bdoi\s+10\.\d`)
)

// isFurniture reports a line of the page's furniture: a page number or a
// journal line at the top or bottom of the page (edge), or a line with a
// DOI anywhere (the running footer of many journals sits mid-page in the
// extracted text, before a side column).
func isFurniture(text string, edge bool) bool {
	if doiRE.MatchString(text) {
		return true
	}
	return edge && (pageNumberRE.MatchString(text) || (journalRE.MatchString(text) && !hasVerb(text)))
}

var (
	emailRE = regexp.MustCompile(`[\p{L}\d._%+-]+@[\p{L}\d.-]+\.\p{L}{2,}|\}@[\p{L}\d.-]+\.\p{L}{2,}`)
	// institutionRE names the places authors work at.
	institutionRE    = regexp.MustCompile(`\b(?:Universit(?:y|ies|ät|é|e|à|at|ario|eit)|Institut(?:e|o|es)?|Department|Dept\.|Laborator(?:y|ies)|Hospital|College|School of|Faculty|Cent(?:er|re)|Division|Academy|Inc\.|Ltd\.?|GmbH|Corporation)\b`)
	correspondenceRE = regexp.MustCompile(`(?i)^(?:\*\s*)?(?:correspondence|corresponding author|e-?mail|address for correspondence)\b`)
	// The editorial history: "Received 3 May 2031; accepted 9 June 2031".
	historyRE = regexp.MustCompile(`(?i)^(?:received|accepted|revised|published|available online)\b:?\s*(?:on\s+)?(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d)`)
)

// isAddress reports a line of the front matter's addresses: an e-mail, a
// correspondence line, the editorial history's dates, or, on the
// document's first page, an affiliation (an institution's name in a line
// of names).
func isAddress(text string, first bool) bool {
	if correspondenceRE.MatchString(text) || historyRE.MatchString(text) {
		return true
	}
	if emailRE.MatchString(text) && len(strings.Fields(text)) <= 12 {
		return true
	}
	return first && institutionRE.MatchString(text) && isNameLike(text)
}

// isNameLike reports a line of names, as addresses are: no verb, and most
// of its words capitalised ("Department of Psychology, University of
// Somewhere"), unlike a line of prose that names an institution.
func isNameLike(text string) bool {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	capital := 0
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			capital++
		}
	}
	return len(words) > 0 && capital*10 >= len(words)*6 && !hasVerb(text)
}

var (
	// A footnote starts with its number glued to its first word: "1The
	// survey was …", "2Institute of …".
	footnoteRE = regexp.MustCompile(`^\d{1,2}\p{Lu}\p{Ll}{2,}`)
	// An author note starts with its mark: "* Corresponding author",
	// "† Joint first authors".
	authorNoteRE = regexp.MustCompile(`^[*∗†‡§¶☯#]\s*\S`)
)

// maxNoteLines bounds a note that no full stop ends.
const maxNoteLines = 4

// markNotes marks footnotes, and on the first page author notes, with
// their lines up to the first that ends a sentence.
func markNotes(lines []line, kinds []lineKind, first bool) {
	isNote := func(text string) bool {
		return footnoteRE.MatchString(text) || (first && authorNoteRE.MatchString(text))
	}
	for n := 0; n < len(lines); n++ {
		if kinds[n] == bodyLine && isNote(lines[n].text) {
			n = markRun(lines, kinds, n, maxNoteLines, noteLine, isNote)
		}
	}
}

// markRun marks the body lines from n on as kind, up to and including the
// first that ends a sentence, at most max lines, stopping before a line
// that starts another run; it returns the last line marked.
func markRun(lines []line, kinds []lineKind, n, max int, kind lineKind, starts func(string) bool) int {
	last := n
	for k := n; k < len(lines) && k < n+max; k++ {
		if k > n && (kinds[k] != bodyLine || starts(lines[k].text)) {
			break
		}
		kinds[k] = kind
		last = k
		if endsSentence(lines[k].text) {
			break
		}
	}
	return last
}

// isAddressContinuation reports a line that goes on with the address on
// the line before it: names, and no full stop at its end ("Lakeside, ON,
// Northland").
func isAddressContinuation(text string) bool {
	return isNameLike(text) && !endsSentence(text)
}

// hasVerb reports a verb (isVerb) among the words of a line.
func hasVerb(text string) bool {
	for n, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if isVerb(w, n == 0) {
			return true
		}
	}
	return false
}

var numberedHeadingRE = regexp.MustCompile(`^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s+\p{Lu}`)

// isHeading reports a heading line. Three shapes are headings wherever
// they stand: a line in capitals ("METHODS", "4. EXPERIMENTS"), a
// numbered title ("2.1 Data sets") and a section label alone
// ("Discussion"). Any other short line that does not end a sentence or a
// word, has no verb and does not end on a function word, and is followed
// by a line that starts one, is a heading too ("Patients and procedures").
// The first line of a page may be long: it is usually a running header
// ("Annals of Imaginary Studies 3").
func isHeading(text, next string, median int, top bool) bool {
	n := utf8.RuneCountInString(text)
	words := len(strings.Fields(text))
	if n == 0 || words > 12 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	if strings.ContainsRune(".,;:!?-\u00AD\u0002\uFFFE\u2010\u2011", last) {
		return false
	}
	if isCapitals(text) || isSectionLabel(text) {
		return true
	}
	nfirst, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsUpper(nfirst) && !unicode.IsDigit(nfirst) {
		return false
	}
	if numberedHeadingRE.MatchString(text) && words <= 10 && !strings.Contains(text, ",") {
		return true
	}
	if !top && (median < 20 || n*10 > median*7 || hasVerb(text) || endsInStopWord(text)) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(text)
	return unicode.IsUpper(first) || unicode.IsDigit(first)
}

// endsInStopWord reports a line whose last word is a function word ("the",
// "which"): a sentence goes on after it.
func endsInStopWord(text string) bool {
	f := strings.Fields(text)
	return len(f) > 0 && textnorm.IsStopWord(strings.Trim(f[len(f)-1], "\"'’”()"))
}

// isCapitals reports a line of words in capitals, a number aside: at
// least four letters, none in lower case, no word mixing letters and
// digits (a code such as "AB1234" is no heading).
func isCapitals(text string) bool {
	letters := 0
	for _, w := range strings.Fields(text) {
		hasLetter, hasDigit := false, false
		for _, r := range w {
			switch {
			case unicode.IsLower(r):
				return false
			case unicode.IsLetter(r):
				letters++
				hasLetter = true
			case unicode.IsDigit(r):
				hasDigit = true
			}
		}
		if hasLetter && hasDigit {
			return false
		}
	}
	return letters >= 4
}

// sectionLabels are the words (and pairs) that name the parts of a paper.
var sectionLabels = map[string]bool{}

func init() {
	for _, w := range strings.Split(`abstract|summary|background|introduction|objective|objectives|aim|aims|purpose|
		context|methods|method|materials and methods|methodology|design|setting|participants|interventions|
		measurements|results|findings|discussion|conclusion|conclusions|interpretation|limitations|
		acknowledgements|acknowledgments|acknowledgement|acknowledgment|keywords|key words|funding|future work|
		related work|evaluation|experiments|implementation|overview|significance|importance|main outcome measures`, "|") {
		sectionLabels[strings.TrimSpace(w)] = true
	}
}

// isSectionLabel reports a line that is only a section's name, possibly
// numbered: "Results", "4 Discussion".
func isSectionLabel(text string) bool {
	t := strings.TrimLeft(text, "0123456789. ")
	return sectionLabels[strings.ToLower(t)]
}

var captionStartRE = regexp.MustCompile(`^(?i:fig\.?|figure|table|tab\.|scheme|chart|plate|algorithm|listing|box|supplementary (?:figure|table))\s*(?:[A-Z]?\d+[a-z]?|[A-Z]|[IVX]+)(?:\s*[.:|—–-]|\s+[\p{Lu}(]|$)`)

// maxCaptionLines bounds a caption that no full stop ends.
const maxCaptionLines = 6

// markCaptions marks the captions of figures and tables: a line that
// starts with a label and a number, then punctuation or a capitalised
// word ("Figure 2. …", "Table 1 Baseline …", not "Figure 2 shows"), and
// the lines after it up to the first that ends a sentence. A label on a
// line that continues the line before it ("as plotted in" / "Fig. 4. …")
// refers to a figure and starts no caption.
func markCaptions(lines []line, kinds []lineKind) {
	prev := ""
	for n := 0; n < len(lines); n++ {
		l := lines[n]
		if l.text == "" || kinds[n] != bodyLine {
			if l.text != "" {
				prev = l.text
			}
			continue
		}
		if !captionStartRE.MatchString(l.text) || endsInFunctionWord(prev) {
			prev = l.text
			continue
		}
		n = markRun(lines, kinds, n, maxCaptionLines, captionLine, captionStartRE.MatchString)
		prev = lines[n].text
	}
}

// endsSentence reports text whose last mark closes a sentence.
func endsSentence(text string) bool {
	t := strings.TrimRight(text, "\"'’”)] ")
	return strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?")
}

// functionWords end a line whose sentence goes on with a reference to a
// figure or table ("as plotted in" / "Fig. 4"). Articles are not among them: a
// figure's label does not follow one.
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`of in on at to for from by with as and or see than into onto over under also both (see cf. e.g. i.e.`) {
		functionWords[w] = true
	}
}

func endsInFunctionWord(text string) bool {
	f := strings.Fields(text)
	return len(f) > 0 && functionWords[strings.ToLower(f[len(f)-1])]
}

var (
	// The start of a reference entry: its number ("[12]", "12."), then a
	// name, or a list of authors without a number: "Surname AB,",
	// "Surname, A. B.,", "A. B. Surname,", "Firstname Surname,", "Firstname
	// Surname and".
	entryStartRE = regexp.MustCompile(`^(?:\[\d{1,3}\]\s*\S|\d{1,3}\.?\s+\p{Lu}[\p{L}'’-]+,?\s+(?:\p{Lu}\.?\s?){1,3}[,.]|\p{Lu}[\p{L}'’-]+\s\p{Lu}{1,3},\s\p{Lu}|\p{Lu}[\p{L}'’-]+,\s(?:\p{Lu}\.\s?){1,3},?\s|(?:\p{Lu}\.\s?){1,3}\p{Lu}[\p{L}'’-]+,\s|\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}\.)*\s\p{Lu}[\p{L}'’-]+(?:,|\sand\s))`)
	// A citation's signature: a year with a volume and pages
	// ("2031;17:233", "2030; 9: 71"), a volume and issue ("7(2):e15",
	// "41, 3 (2029)"), pages, a DOI, an "et al." or a year between
	// full stops (". 2005. ").
	citationRE     = regexp.MustCompile(`(?i)\b(?:19|20)\d\d[a-z]?\s*[;:]\s*\d|\d+\s*\(\d+\)\s*[:,]\s*[a-z]?\d|\d+,\s*\d+\s*\((?:19|20)\d\d\)|\((?:19|20)\d\d\)\s*\d+\s*[–-]\s*\d+|\bvol\.\s*\d|\bpp\.\s*\d|\bdoi\b|\bet al\.|\.\s(?:19|20)\d\d[a-z]?\.|\((?:19|20)\d\d[a-z]?\)\.|\bIn\s(?:Proc|Proceedings)\b`)
	bracketEntryRE = regexp.MustCompile(`^\[\d{1,3}\]`)
)

// maxEntryLines bounds one reference entry.
const maxEntryLines = 8

// markReferenceEntries marks reference lists that run without a heading
// (the list goes on from a page in an earlier chunk). An entry starts as
// entries do (entryStartRE) and runs to the next one, and is signed when
// it has a year and, unless it starts with a number in brackets, a
// citation's signature. A run of adjacent entries of which two or more,
// and at least half, are signed is a reference list.
func markReferenceEntries(lines []line, kinds []lineKind) {
	var starts []int
	for n, l := range lines {
		if kinds[n] == bodyLine && entryStartRE.MatchString(l.text) {
			starts = append(starts, n)
		}
	}
	// entry returns where the entry starting at starts[i] ends and
	// whether it is signed.
	entry := func(i int) (end int, signed bool) {
		n := starts[i]
		end = len(lines)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		end = min(end, n+maxEntryLines)
		var b strings.Builder
		for k := n; k < end; k++ {
			// An entry's DOI line is taken for furniture: it is part of
			// the entry all the same.
			if k > n && kinds[k] != bodyLine && kinds[k] != furnitureLine {
				end = k
				break
			}
			b.WriteString(lines[k].text)
			b.WriteByte(' ')
		}
		t := b.String()
		return end, yearRE.MatchString(t) && (bracketEntryRE.MatchString(t) || citationRE.MatchString(t))
	}
	for i := 0; i < len(starts); {
		j, signed := i, 0
		end := starts[i]
		for j < len(starts) && starts[j] == end {
			e, ok := entry(j)
			if ok {
				signed++
			}
			end = e
			j++
		}
		if signed >= 2 && signed*2 >= j-i {
			for k := starts[i]; k < end; k++ {
				kinds[k] = referenceLine
			}
		}
		i = j
	}
}

// blocks returns the runs of body lines of a page, each with whether it
// continues a sentence that a caption, a footer, an address or the page's
// end interrupted (the text before the interruption stops in the middle
// of a sentence): such a block's first sentence is the tail of a sentence
// cut in two, and no claim of its own. open says that the chunk's page
// before this one stopped so; the result says whether this one does. Over
// a page break a block only continues when its first word could not start
// a sentence of its own (a number, a name in capitals: "ICU nurses …"),
// as a new paragraph often follows a figure that ends a page.
func blocks(page string, lines []line, kinds []lineKind, open bool) ([]block, bool) {
	var out []block
	cur := block{span: span{-1, -1}}
	interrupted, pageStart := open, open
	flush := func() {
		if cur.start >= 0 {
			out = append(out, cur)
			open = stopsMidSentence(page[cur.start:cur.end])
		}
		cur = block{span: span{-1, -1}}
	}
	last := len(lines) - 1
	for last >= 0 && lines[last].text == "" {
		last-- // blank lines at the page's end break no sentence
	}
	for n, l := range lines[:last+1] {
		switch kinds[n] {
		case bodyLine:
			if cur.start >= 0 && startsWithBullet(l.text) {
				flush() // a list's item starts anew
				open = false
			}
			if cur.start < 0 {
				cur.start = l.start
				cur.continues = interrupted && open && (!pageStart || !startsLikeSentence(l.text))
				interrupted, pageStart = false, false
			}
			cur.end = l.end
		case captionLine, furnitureLine, addressLine, noteLine, debrisLine:
			flush()
			interrupted = true
		default: // a blank line, a heading, the reference list: what follows starts anew
			flush()
			interrupted, open, pageStart = false, false, false
		}
	}
	flush()
	return out, open
}

// startsLikeSentence reports a line whose first word is a capitalised
// word of lower-case letters ("The", "Fifteen"), as a sentence's first
// word is.
func startsLikeSentence(text string) bool {
	f := strings.Fields(text)
	if len(f) == 0 {
		return false
	}
	w := strings.TrimRight(f[0], ",;:")
	r, n := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || n == len(w) {
		return false
	}
	for _, r := range w[n:] {
		if !unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// bullets mark the items of a list.
const bullets = "•·*■▪◦‣►"

func startsWithBullet(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return strings.ContainsRune(bullets, r)
}

// stopsMidSentence reports text that ends in the middle of a sentence: on
// a lower-case word, a comma, a hyphen, a slash or an open bracket.
func stopsMidSentence(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(text))
	return unicode.IsLower(r) || strings.ContainsRune(",-/(\u2010\u00AD", r)
}

// block is a run of body lines.
type block struct {
	span
	continues bool // its first sentence is the tail of an interrupted one
}
