package pdftext

import (
	"unicode"
	"unicode/utf16"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// Only text a reader can see becomes page text: anything else could smuggle
// words into facts (issue 7). The rules, per text object of the page and of
// the Form XObjects it draws:
//
//   - Off the page: a text object whose box lies entirely outside the page's
//     crop box (PDFium's page bounding box: the CropBox within the MediaBox,
//     else the MediaBox) is dropped. On a page where a kept object crosses
//     the edge, characters whose box lies entirely outside are dropped too.
//   - Invisible: render mode 3 (invisible) or 7 (clip only), or a fill-only
//     mode with fill alpha 0. Dropped, unless the page has no visible text
//     (fewer than minLettersPerPage letters, so a page number does not
//     count): then it is the OCR layer under a scan and is kept.
//   - White: fill colour white in a fill-only mode (0 fill, 4 fill+clip) is
//     white-on-white and dropped, OCR page or not.
//
// Limitations: the background is not looked at, so white text on a coloured
// box (a heading bar, a figure label) is dropped as well, and text coloured
// like a coloured background is kept; so are white text drawn by stroke,
// text under an image or cut away by a clipping path, and text outside a
// form's BBox but on the page.
//
// Cost: hidden objects are switched off and PDFium's text page is built
// from the rest, so the text still comes from one bulk call; per object it
// takes a type, a render mode and a fill colour. Boxes are looked at only on
// pages where some text lies off the crop box (four bulk calls tell), and
// characters one by one only where a kept object crosses its edge. The
// interpreter looks at the objects' boxes first instead: it runs the bulk
// calls' loop over every character ~40x slower (~50 ms a page), the calls
// themselves only a few times slower.

// Text layers, as Result.TextLayer and documents.text_layer name them.
const (
	LayerText = "text" // a visible text layer
	LayerOCR  = "ocr"  // only invisible text, as OCR tools lay it under a scan
)

// visibleText returns the raw text a reader sees on page, and whether it is
// the page's OCR layer. boxesFirst looks at the objects' boxes before the
// text: the same text, quicker in the interpreter.
func visibleText(inst pdfium.Pdfium, page requests.Page, boxesFirst bool) (string, bool, error) {
	bb, err := inst.FPDF_GetPageBoundingBox(&requests.FPDF_GetPageBoundingBox{Page: page})
	if err != nil {
		return "", false, err
	}
	s := &pageScan{inst: inst, page: page, crop: rect{bb.Rect.Left, bb.Rect.Bottom, bb.Rect.Right, bb.Rect.Top}}
	// Boxes first: if every object lies within the crop box, the objects
	// sort as without boxes, and read's check for text off the box could
	// only lead to this same scan, so it is skipped. Else, as without
	// boxesFirst, read checks the text first.
	if !boxesFirst || s.scan(true) != nil || s.offPage {
		if err := s.scan(false); err != nil {
			return "", false, err
		}
	}
	text, err := s.read(false)
	if err != nil || len(s.invisible) == 0 || countLetters(clean(text)) >= minLettersPerPage {
		return text, false, err
	}
	// Next to nothing visible: the invisible text is an OCR layer.
	text, err = s.read(true)
	return text, true, err
}

// pageScan sorts a page's text objects by what a reader sees of them.
type pageScan struct {
	inst pdfium.Pdfium
	page requests.Page
	crop rect

	boxed     bool                         // sorted by boxes too
	hidden    []references.FPDF_PAGEOBJECT // never page text: white, or off the page
	invisible []references.FPDF_PAGEOBJECT // page text only as an OCR layer
	// A kept object crosses the crop box: that page is read per character.
	straddleVisible, straddleInvisible bool
	offPage                            bool // boxed: some object is not within the crop box
}

// read returns the text of the page's visible objects, with the invisible
// ones too when ocr is set. If some of that text lies off the crop box, it
// sorts the objects again by their boxes and reads once more.
func (s *pageScan) read(ocr bool) (string, error) {
	for {
		if err := s.setActive(s.hidden, false); err != nil {
			return "", err
		}
		if err := s.setActive(s.invisible, ocr); err != nil {
			return "", err
		}
		tp, err := s.inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: s.page})
		if err != nil {
			return "", err
		}
		out := false
		if !s.boxed {
			out, err = s.textOutside(tp.TextPage)
		}
		if err == nil && !out {
			text, err := s.text(tp.TextPage, s.straddleVisible || (ocr && s.straddleInvisible))
			s.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
			return text, err
		}
		s.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
		if err != nil {
			return "", err
		}
		// Start over from all objects on.
		if err := s.setActive(s.hidden, true); err != nil {
			return "", err
		}
		if err := s.setActive(s.invisible, true); err != nil {
			return "", err
		}
		if err := s.scan(true); err != nil {
			return "", err
		}
	}
}

// setActive switches objects on or off: PDFium's text page skips inactive
// ones.
func (s *pageScan) setActive(objs []references.FPDF_PAGEOBJECT, active bool) error {
	for _, o := range objs {
		if _, err := s.inst.FPDFPageObj_SetIsActive(&requests.FPDFPageObj_SetIsActive{PageObject: o, Active: active}); err != nil {
			return err
		}
	}
	return nil
}

// textOutside reports whether any character of tp lies (partly) outside the
// crop box: four bulk calls instead of a box per object.
func (s *pageScan) textOutside(tp references.FPDF_TEXTPAGE) (bool, error) {
	const far = 1e30
	c := s.crop
	for _, r := range [4]rect{
		{-far, -far, c.left, far}, {c.right, -far, far, far}, // left, right
		{-far, -far, far, c.bottom}, {-far, c.top, far, far}, // below, above
	} {
		t, err := s.inst.FPDFText_GetBoundedText(&requests.FPDFText_GetBoundedText{TextPage: tp,
			Left: float64(r.left), Top: float64(r.top), Right: float64(r.right), Bottom: float64(r.bottom)})
		if err != nil {
			return false, err
		}
		if t.Text != "" {
			return true, nil
		}
	}
	return false, nil
}

// scan sorts the page's objects, by their boxes too when boxed is set;
// nothing is switched off yet.
func (s *pageScan) scan(boxed bool) error {
	s.boxed, s.hidden, s.invisible, s.straddleVisible, s.straddleInvisible, s.offPage = boxed, nil, nil, false, false, false
	n, err := s.inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: s.page})
	if err != nil {
		return err
	}
	for i := range n.Count {
		o, err := s.inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: s.page, Index: i})
		if err != nil {
			return err
		}
		if err := s.object(o.PageObject, place{within: !boxed, m: identity}); err != nil {
			return err
		}
	}
	return nil
}

// place says where a form's objects land on the page.
type place struct {
	within bool   // inside the crop box, or boxes are not looked at
	m      affine // object space to page space
}

func (s *pageScan) object(o references.FPDF_PAGEOBJECT, at place) error {
	t, err := s.inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o})
	if err != nil {
		return err
	}
	switch t.Type {
	case enums.FPDF_PAGEOBJ_TEXT:
		return s.textObject(o, at)
	case enums.FPDF_PAGEOBJ_FORM:
		return s.form(o, at)
	}
	return nil
}

func (s *pageScan) textObject(o references.FPDF_PAGEOBJECT, at place) error {
	mode, err := s.inst.FPDFTextObj_GetTextRenderMode(&requests.FPDFTextObj_GetTextRenderMode{PageObject: o})
	if err != nil {
		return err
	}
	straddles := false
	if !at.within {
		b, ok := s.bounds(o, at)
		if ok && b.outside(s.crop) {
			s.hidden = append(s.hidden, o)
			s.offPage = true
			return nil
		}
		// Without bounds the characters decide.
		straddles = !ok || !b.within(s.crop)
		s.offPage = s.offPage || straddles
	}
	invisible := false
	switch mode.TextRenderMode {
	case enums.FPDF_TEXTRENDERMODE_INVISIBLE, enums.FPDF_TEXTRENDERMODE_CLIP:
		invisible = true
	case enums.FPDF_TEXTRENDERMODE_FILL, enums.FPDF_TEXTRENDERMODE_FILL_CLIP:
		// No fill colour (a pattern, say): the text counts as visible.
		if c, err := s.inst.FPDFPageObj_GetFillColor(&requests.FPDFPageObj_GetFillColor{PageObject: o}); err == nil {
			if c.FillColor.A == 0 {
				invisible = true
			} else if c.FillColor.R == 255 && c.FillColor.G == 255 && c.FillColor.B == 255 {
				s.hidden = append(s.hidden, o)
				return nil
			}
		}
	}
	if invisible {
		s.invisible = append(s.invisible, o)
		s.straddleInvisible = s.straddleInvisible || straddles
	} else {
		s.straddleVisible = s.straddleVisible || straddles
	}
	return nil
}

func (s *pageScan) form(o references.FPDF_PAGEOBJECT, at place) error {
	inner := at
	if !at.within {
		b, ok := s.bounds(o, at)
		if ok && b.outside(s.crop) {
			s.hidden = append(s.hidden, o)
			s.offPage = true
			return nil
		}
		inner.within = ok && b.within(s.crop)
		if !inner.within {
			s.offPage = true
			// The boxes of the form's objects are in form space.
			fm, err := s.inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: o})
			if err != nil {
				return err
			}
			m := fm.Matrix
			inner.m = affine{m.A, m.B, m.C, m.D, m.E, m.F}.then(at.m)
		}
	}
	n, err := s.inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: o})
	if err != nil {
		return err
	}
	for i := range n.Count {
		c, err := s.inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: o, Index: uint64(i)})
		if err != nil {
			return err
		}
		if err := s.object(c.PageObject, inner); err != nil {
			return err
		}
	}
	return nil
}

// bounds is o's box on the page; false when PDFium has none.
func (s *pageScan) bounds(o references.FPDF_PAGEOBJECT, at place) (rect, bool) {
	b, err := s.inst.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: o})
	if err != nil {
		return rect{}, false
	}
	return at.m.box(rect{b.Left, b.Bottom, b.Right, b.Top}), true
}

// text returns the text of tp: in one call, or per character, leaving out
// those off the crop box.
func (s *pageScan) text(tp references.FPDF_TEXTPAGE, perChar bool) (string, error) {
	// PDFium counts UTF-16 units, so characters outside the BMP fit too.
	n, err := s.inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp})
	if err != nil || n.Count <= 0 {
		return "", err
	}
	if !perChar {
		t, err := s.inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp, Count: n.Count})
		if err != nil {
			return "", err
		}
		return t.Text, nil
	}
	// A wasm round trip or two per character, so only on such pages. The
	// result equals the bulk call's but for U+0002 in place of U+FFFE, which
	// clean drops alike.
	units := make([]uint16, 0, n.Count)
	for i := range n.Count {
		u, err := s.inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp, Index: i})
		if err != nil {
			return "", err
		}
		r := rune(u.Unicode)
		if r == 0 {
			continue
		}
		// Spaces and line breaks (often PDFium's own) stay: dropping one
		// could join two words.
		if r > ' ' && !unicode.IsSpace(r) {
			b, err := s.inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp, Index: i})
			if err == nil && (rect{b.Rect.Left, b.Rect.Bottom, b.Rect.Right, b.Rect.Top}).outside(s.crop) {
				continue
			}
		}
		if utf16.IsSurrogate(r) {
			units = append(units, uint16(r)) // half of a pair: Decode joins them
		} else {
			units = utf16.AppendRune(units, r)
		}
	}
	return string(utf16.Decode(units)), nil
}

// rect is a box in PDF user space.
type rect struct{ left, bottom, right, top float32 }

func (a rect) outside(c rect) bool {
	return a.right <= c.left || a.left >= c.right || a.top <= c.bottom || a.bottom >= c.top
}

func (a rect) within(c rect) bool {
	return a.left >= c.left && a.right <= c.right && a.bottom >= c.bottom && a.top <= c.top
}

// affine maps a form's space to page space: x' = a·x + c·y + e, y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float32 }

var identity = affine{a: 1, d: 1}

// then is m followed by n.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.b*n.c, b: m.a*n.b + m.b*n.d,
		c: m.c*n.a + m.d*n.c, d: m.c*n.b + m.d*n.d,
		e: m.e*n.a + m.f*n.c + n.e, f: m.e*n.b + m.f*n.d + n.f,
	}
}

// box is the bounding box of r mapped by m.
func (m affine) box(r rect) rect {
	const inf = float32(3.4e38)
	out := rect{left: inf, bottom: inf, right: -inf, top: -inf}
	for _, p := range [4][2]float32{{r.left, r.bottom}, {r.left, r.top}, {r.right, r.bottom}, {r.right, r.top}} {
		x, y := m.a*p[0]+m.c*p[1]+m.e, m.b*p[0]+m.d*p[1]+m.f
		out.left, out.right = min(out.left, x), max(out.right, x)
		out.bottom, out.top = min(out.bottom, y), max(out.top, y)
	}
	return out
}
