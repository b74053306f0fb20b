package offline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/opusblocks/opus/internal/textnorm"
)

// pronouns stand for a phrase without naming it. "this", "these" and
// "those" count only alone: "these errors", "these 12 patients" name it.
var pronouns = map[string]bool{"it": true, "they": true, "them": true, "this": true, "these": true, "those": true}

func isPronoun(toks []textnorm.Token, k int) bool {
	w := strings.ToLower(toks[k].Text)
	if !pronouns[w] {
		return false
	}
	switch w {
	case "it", "they", "them":
		return true
	}
	if k+1 >= len(toks) {
		return true
	}
	next := toks[k+1]
	return next.Kind == textnorm.Punct || (next.Kind == textnorm.Word && next.Stop)
}

// isAdverb takes a word in "-ly" for an adverb: it sits between a subject
// and its verb ("X significantly reduced"), so it parts phrases.
func isAdverb(t textnorm.Token) bool {
	return len(t.Text) >= 6 && strings.HasSuffix(strings.ToLower(t.Text), "ly")
}

// phrases returns what stands next to the verb at toks[i] on side dir, up
// to a boundary, number or punctuation: the runs of content words there
// (stop words and adverbs part them), each in text order, nearest first.
// A pronoun met before any run is returned alone, as pron.
func phrases(toks []textnorm.Token, i, dir int) (runs [][]int, pron int) {
	pron = -1
	var run []int
	flush := func() {
		if len(run) > 0 {
			if dir < 0 {
				slices.Reverse(run)
			}
			runs = append(runs, run)
			run = nil
		}
	}
	for k := i + dir; k >= 0 && k < len(toks); k += dir {
		t := toks[k]
		if t.Kind != textnorm.Word || boundary(t) {
			break
		}
		switch {
		case isPronoun(toks, k):
			if len(runs) == 0 && len(run) == 0 {
				return nil, k
			}
			flush()
		case t.Stop || isAdverb(t):
			flush()
		default:
			run = append(run, k)
		}
	}
	flush()
	return runs, pron
}

// checkHeads keeps the heads of the phrases next to a verb — its subject
// and object — and after a number, what it counts. Next to each verb (or
// comparative, isRelational) of the sentence, on each side, and after each
// number, the nearest phrase must keep the head (last
// word) of the phrase next to that verb on that side in a fact, wherever
// it shares a word with it: "improved reaction by 12 ms" drops "time" of
// "improved reaction time by 12 ms". A pronoun there names nothing, so it
// is support only where a fact has the same pronoun next to that verb: in
// "X makes errors, and Y reduces them", "them" may be anything.
func checkHeads(s []textnorm.Token, views []view, norm string) *finding {
	for i, t := range s {
		dirs := []int{-1, +1}
		switch {
		case t.Kind == textnorm.Number:
			// What a quantity counts follows it: "120 adult patients".
			dirs = []int{+1}
		case !isRelational(t):
			continue
		}
		for _, dir := range dirs {
			runs, pron := phrases(s, i, dir)
			switch {
			case pron >= 0:
				if f := checkPronoun(s, i, dir, pron, views); f != nil {
					return f
				}
			case len(runs) > 0:
				if f := checkHead(s, i, dir, runs[0], views, norm); f != nil {
					return f
				}
			}
		}
	}
	return nil
}

// checkPronoun requires the pronoun s[pron] next to the verb s[i] on side
// dir to stand there in a fact too.
func checkPronoun(s []textnorm.Token, i, dir, pron int, views []view) *finding {
	var named string // what a fact has there instead
	for _, v := range views {
		for q, u := range v.toks {
			if u.Kind != s[i].Kind || u.Key != s[i].Key {
				continue
			}
			runs, fp := phrases(v.toks, q, dir)
			if fp >= 0 && v.toks[fp].Key == s[pron].Key {
				return nil
			}
			if named == "" && len(runs) > 0 {
				named = phraseText(v, runs[0])
			}
		}
	}
	reason := fmt.Sprintf("no linked fact has %q next to %q", s[pron].Text, s[i].Text)
	if named != "" {
		reason = fmt.Sprintf("%q stands for %q of the linked facts, which the sentence does not name", s[pron].Text, named)
	}
	return &finding{reason: reason, span: s[pron].Text}
}

// checkHead requires the phrase run next to the verb s[i] on side dir to
// keep the head of a fact's phrase next to that verb there that shares a
// word with it. Facts whose phrases there share none say nothing of it.
func checkHead(s []textnorm.Token, i, dir int, run []int, views []view, norm string) *finding {
	keys := map[string]bool{}
	for _, k := range run {
		keys[s[k].Key] = true
	}
	var dropped *finding
	for _, v := range views {
		for q, u := range v.toks {
			if u.Kind != s[i].Kind || u.Key != s[i].Key {
				continue
			}
			runs, _ := phrases(v.toks, q, dir)
			for _, r := range runs {
				if !slices.ContainsFunc(r, func(k int) bool { return keys[v.toks[k].Key] }) {
					continue
				}
				head := v.toks[r[len(r)-1]]
				if keys[head.Key] {
					return nil
				}
				if dropped == nil {
					dropped = &finding{
						reason: fmt.Sprintf("the sentence drops %q of %q", head.Text, phraseText(v, r)),
						span:   norm[s[run[0]].Start:s[run[len(run)-1]].End],
					}
				}
				break
			}
		}
	}
	return dropped
}

// phraseText returns the text of the run r of v.
func phraseText(v view, r []int) string {
	return v.norm[v.toks[r[0]].Start:v.toks[r[len(r)-1]].End]
}
