// gen writes the hidden-text test PDFs beside it. They are committed; run it
// only to change them, from internal/pdftext: go run ./testdata/gen.go
//
// Every hidden run sits in its own q … Q: render mode and colour are
// graphics state and would otherwise leak into the runs after it.
//
//go:build ignore

package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	files := map[string][]byte{
		// One page with visible text and every kind of hidden text opus drops.
		"hidden.pdf": build(
			page{
				box: "/MediaBox [0 0 612 792] /CropBox [36 36 576 756]",
				content: lines(
					"BT /F1 12 Tf 72 700 Td (Visible sentence about results.) Tj ET",
					// Off the MediaBox altogether.
					"q BT /F1 12 Tf 72 900 Td (HIDDENOUTSIDE text above the page.) Tj ET Q",
					// Inside the MediaBox, outside the CropBox.
					"q BT /F1 12 Tf 72 20 Td (HIDDENCROPPED text below the crop box.) Tj ET Q",
					// One text object that starts on the page and runs off it.
					"q BT /F1 12 Tf 300 650 Td [(Second visible line.) -40000 (HIDDENSTRADDLE text off the edge.)] TJ ET Q",
					"q BT /F1 12 Tf 3 Tr 72 600 Td (HIDDENINVISIBLE text in render mode three.) Tj ET Q",
					"q BT /F1 12 Tf 7 Tr 72 580 Td (HIDDENCLIP text in render mode seven.) Tj ET Q",
					"q 1 1 1 rg BT /F1 12 Tf 72 560 Td (HIDDENWHITE text in white.) Tj ET Q",
					"q 1 g BT /F1 12 Tf 72 540 Td (HIDDENGRAYWHITE text in white gray.) Tj ET Q",
					"q 0 0 0 0 k BT /F1 12 Tf 72 520 Td (HIDDENCMYKWHITE text in white CMYK.) Tj ET Q",
					"q /Transparent gs BT /F1 12 Tf 72 500 Td (HIDDENTRANSPARENT text with fill alpha zero.) Tj ET Q",
					// Not hidden: a colour, and white letters with a black outline.
					"q 0.2 0.4 0.8 rg BT /F1 12 Tf 72 480 Td (Blue words remain visible.) Tj ET Q",
					"q 1 1 1 rg 0 0 0 RG BT /F1 12 Tf 2 Tr 72 460 Td (Outlined white words remain visible.) Tj ET Q",
					// A form moved up 100pt, partly off the page, and one moved
					// off the page altogether.
					"q 1 0 0 1 0 100 cm /Fm1 Do Q",
					"q 1 0 0 1 2000 0 cm /Fm2 Do Q",
				),
				forms: []string{
					lines(
						"BT /F1 12 Tf 72 300 Td (Words inside a form stay.) Tj ET",
						"q BT /F1 12 Tf 3 Tr 72 280 Td (HIDDENFORMINVISIBLE in the form.) Tj ET Q",
						"q BT /F1 12 Tf 72 1000 Td (HIDDENFORMOUTSIDE in the form.) Tj ET Q",
						"q 1 1 1 rg BT /F1 12 Tf 72 260 Td (HIDDENFORMWHITE in the form.) Tj ET Q",
						// Where these land depends on the form's matrix:
						// 700+100 is off the page, -50+100 on it.
						"q BT /F1 12 Tf 72 700 Td (HIDDENFORMMOVEDOFF by the form matrix.) Tj ET Q",
						"q BT /F1 12 Tf 72 -50 Td (Form words moved onto the page.) Tj ET Q",
					),
					"BT /F1 12 Tf 72 300 Td (HIDDENFORMOFFPAGE in a form placed off the page.) Tj ET",
				},
			}),
		// A scan's OCR layer: all text in render mode 3 but a page number.
		"ocr.pdf": build(page{
			box: "/MediaBox [0 0 612 792]",
			content: lines(
				"q BT /F1 12 Tf 3 Tr 72 700 Td (Invisible OCR text says the treatment reduced pain.) Tj ET Q",
				"q BT /F1 12 Tf 3 Tr 72 680 Td (A second OCR line about forty patients.) Tj ET Q",
				"BT /F1 10 Tf 300 40 Td (Page 3) Tj ET",
				// Hidden stays hidden, OCR page or not.
				"q 1 1 1 rg BT /F1 12 Tf 72 660 Td (HIDDENWHITE on an OCR page.) Tj ET Q",
				"q BT /F1 12 Tf 3 Tr 72 900 Td (HIDDENOUTSIDE on an OCR page.) Tj ET Q",
			),
		}),
		// Page 2 is stamped: its text is in a Form XObject, page 1's not.
		"stamped.pdf": build(
			page{box: "/MediaBox [0 0 612 792]", content: lines(
				"BT /F1 12 Tf 72 700 Td (Page one has plain typeset words.) Tj ET",
			)},
			page{box: "/MediaBox [0 0 612 792]", content: "/Fm1 Do", forms: []string{
				"BT /F1 12 Tf 72 700 Td (Page two has its words in a form.) Tj ET",
			}},
		),
		// Page 1 has visible text, page 2 only an OCR layer.
		"mixed.pdf": build(
			page{box: "/MediaBox [0 0 612 792]", content: lines(
				"BT /F1 12 Tf 72 700 Td (Typeset page one with visible words.) Tj ET",
				"q BT /F1 12 Tf 3 Tr 72 680 Td (HIDDENINVISIBLE under visible text.) Tj ET Q",
			)},
			page{box: "/MediaBox [0 0 612 792]", content: lines(
				"q BT /F1 12 Tf 3 Tr 72 700 Td (Scanned page two keeps its OCR words.) Tj ET Q",
			)},
		),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

type page struct {
	box, content string
	forms        []string // Form XObjects /Fm1, /Fm2, …
}

func lines(l ...string) string { return strings.Join(l, "\n") }

// build writes a PDF whose pages have Helvetica as /F1 and an ExtGState
// /Transparent with fill alpha 0.
func build(pages ...page) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	var kids []string
	for _, p := range pages {
		n := len(objs) + 1 // this page's object number
		kids = append(kids, fmt.Sprintf("%d 0 R", n))
		var xobjs []string
		for i := range p.forms {
			xobjs = append(xobjs, fmt.Sprintf("/Fm%d %d 0 R", i+1, n+2+i))
		}
		res := "/Font << /F1 3 0 R >> /ExtGState << /Transparent << /ca 0 >> >>"
		if len(xobjs) > 0 {
			res += " /XObject << " + strings.Join(xobjs, " ") + " >>"
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R %s /Resources << %s >> /Contents %d 0 R >>", p.box, res, n+1),
			stream("", p.content))
		for _, f := range p.forms {
			objs = append(objs, stream("/Type /XObject /Subtype /Form /BBox [0 -200 612 1200] /Resources << /Font << /F1 3 0 R >> >>", f))
		}
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func stream(dict, data string) string {
	if dict != "" {
		dict += " "
	}
	return fmt.Sprintf("<< %s/Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}
