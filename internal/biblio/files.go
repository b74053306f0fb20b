package biblio

import (
	"path"
	"strings"
)

// parseFileField returns the paths of the PDFs a BibTeX file field links,
// in the forms reference managers write:
//
//	Zotero      {Full Text PDF:files/12/x.pdf:application/pdf;Snapshot:files/13/x.html:text/html}
//	Better BibTeX {/home/a/Zotero/storage/AB12/x.pdf;/home/a/…/y.html}
//	JabRef      {:/home/a/b.pdf:PDF}, {Description:C\:\\Users\\a\\b.pdf:PDF}
//	Mendeley    {:home/a/Mendeley Desktop/b.pdf:pdf}, {:C$\backslash$:/Users/a/b.pdf:pdf}
//
// Records are separated by ";" and hold "description:path:type", "path" or
// "path:type"; "\:", "\;" and "\\" are escaped ":", ";" and "\" (JabRef
// and Zotero escape them; Mendeley writes its backslash as $\backslash$).
// A backslash before any other character is kept, so an unescaped Windows
// path survives, and an unescaped drive colon ("C:\…") is not taken for a
// separator. When a record has a type, it is kept if the type or the file's
// extension says PDF; without one it is kept unless its extension names
// another format (the snapshot .html Zotero stores beside the PDF).
// Relative paths are returned as written: they are relative to the .bib
// file's directory (Mendeley's "home/a/…" lacks its leading slash, and
// stays so).
func parseFileField(raw string) []string {
	raw = strings.ReplaceAll(raw, `$\backslash$`, `\`)
	var out []string
	for _, rec := range splitEscaped(raw, ';') {
		parts := splitEscaped(rec, ':')
		parts = joinDriveLetters(parts)
		for i := range parts {
			parts[i] = strings.TrimSpace(unescapeFilePart(parts[i]))
		}
		var p, typ string
		switch n := len(parts); {
		case n == 1:
			p = parts[0]
		case n == 2 && looksLikeFileType(parts[1]):
			p, typ = parts[0], parts[1]
		case n == 2:
			p = parts[1]
		default: // description:path:type, with any unescaped ':' in the path
			p, typ = strings.Join(parts[1:n-1], ":"), parts[n-1]
		}
		if p == "" || !keepFile(p, typ) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// splitEscaped splits s at sep where it is not escaped by a backslash,
// leaving the escapes in place (unescapeFilePart removes them).
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // skip the escaped character
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// joinDriveLetters rejoins "C" and "\Users\…" (or "/Users/…"), split at an
// unescaped drive colon.
func joinDriveLetters(parts []string) []string {
	var out []string
	for i := 0; i < len(parts); i++ {
		p := strings.TrimSpace(parts[i])
		if len(p) == 1 && isASCIILetter(p[0]) && i+1 < len(parts) &&
			(strings.HasPrefix(parts[i+1], `\`) || strings.HasPrefix(parts[i+1], "/")) {
			out = append(out, p+":"+parts[i+1])
			i++
			continue
		}
		out = append(out, parts[i])
	}
	return out
}

// unescapeFilePart removes the backslash of \: \; \\ and of the LaTeX
// escapes \_ \& \% \$ \# \{ \}, and protective braces; other backslashes
// are path separators and stay.
func unescapeFilePart(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`:;\_&%$#{}`, s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case c == '{' || c == '}':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// looksLikeFileType tells whether s is the type part of a file record: a
// MIME type ("application/pdf") or a short word ("PDF", "pdf", "URL").
func looksLikeFileType(s string) bool {
	if s == "" || len(s) > 64 || strings.ContainsAny(s, `\ .`) {
		return false
	}
	if before, after, ok := strings.Cut(s, "/"); ok {
		return before != "" && after != "" && !strings.Contains(after, "/")
	}
	return true
}

// otherFormats are extensions of files that are not PDFs.
var otherFormats = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".epub": true, ".doc": true,
	".docx": true, ".odt": true, ".rtf": true, ".txt": true, ".md": true,
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".tif": true,
	".tiff": true, ".zip": true, ".gz": true, ".tex": true, ".ps": true,
	".djvu": true, ".mp3": true, ".mp4": true, ".ppt": true, ".pptx": true,
	".xls": true, ".xlsx": true, ".csv": true, ".json": true, ".xml": true,
}

func keepFile(p, typ string) bool {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(p, `\`, "/")))
	if ext == ".pdf" {
		return true
	}
	if typ != "" {
		return strings.Contains(strings.ToLower(typ), "pdf")
	}
	return !otherFormats[ext]
}
