package pdftext

import (
	"bytes"
	"strings"

	"github.com/klippa-app/go-pdfium/requests"
)

// infoTags are the information dictionary entries read: those that say
// what the document is, not which program wrote it.
var infoTags = []string{"Title", "Author", "Subject", "Keywords", "CreationDate"}

// readInfo returns the non-empty entries of o's information dictionary.
// Metadata is a hint, never a reason to refuse a file: an entry PDFium
// cannot read is left out.
func readInfo(o *opened) map[string]string {
	info := map[string]string{}
	for _, tag := range infoTags {
		r, err := o.inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: o.doc, Tag: tag})
		if err != nil {
			continue
		}
		if v := strings.TrimSpace(strings.ToValidUTF8(r.Value, "")); v != "" {
			info[tag] = v
		}
	}
	return info
}

// maxXMP bounds the XMP packet kept: real ones are a few KB, padding
// included.
const maxXMP = 256 << 10

// findXMP returns the document's XMP packet if it is written uncompressed,
// as the XMP specification recommends for metadata streams so that tools
// can find it without parsing the PDF: the last packet (an incremental
// update appends the newer one) that does not describe an embedded image
// (those carry their own packets, with a dc:format of image/…). Nil if
// there is none.
func findXMP(pdf []byte) []byte {
	const open, end = "<x:xmpmeta", "</x:xmpmeta>"
	for rest := pdf; ; {
		i := bytes.LastIndex(rest, []byte(open))
		if i < 0 {
			return nil
		}
		rest = rest[:i]
		// Only a packet's first maxXMP bytes are searched for its end.
		j := bytes.Index(pdf[i:min(len(pdf), i+maxXMP+len(end))], []byte(end))
		if j < 0 {
			continue
		}
		packet := pdf[i : i+j+len(end)]
		if !describesImage(packet) {
			return bytes.Clone(packet)
		}
	}
}

// describesImage reports whether an XMP packet says it is an image's.
func describesImage(packet []byte) bool {
	_, after, ok := bytes.Cut(packet, []byte("<dc:format>"))
	return ok && bytes.HasPrefix(bytes.TrimSpace(after), []byte("image/"))
}
