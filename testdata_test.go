package opus_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTestPDFsManifest keeps testdata/pdf/MANIFEST.tsv true: every PDF there
// has one line (the shared corpus's columns: source, licence, sha256, …),
// every line names a PDF there, and each file's size and sha256 are its
// line's.
func TestTestPDFsManifest(t *testing.T) {
	const dir = "testdata/pdf"
	const header = "filename\tsource_repo\tcommit\tpath_in_repo\tlicense\tpages\tbytes\tsha256\tspecial"
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != header {
				t.Fatalf("MANIFEST.tsv header is %q, want %q", line, header)
			}
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 9 {
			t.Errorf("MANIFEST.tsv line %d has %d columns, want 9", n, len(cols))
			continue
		}
		name, licence, size, sum := cols[0], cols[4], cols[6], cols[7]
		if listed[name] {
			t.Errorf("%s: listed twice", name)
		}
		listed[name] = true
		if strings.TrimSpace(licence) == "" || licence == "-" {
			t.Errorf("%s: no licence", name)
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: listed in MANIFEST.tsv but not readable: %v", name, err)
			continue
		}
		if strconv.Itoa(len(data)) != size {
			t.Errorf("%s: %d bytes, MANIFEST.tsv says %s", name, len(data), size)
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: sha256 %x, MANIFEST.tsv says %s", name, got, sum)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	pdfs, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range pdfs {
		name := filepath.Base(p)
		if name == "MANIFEST.tsv" || name == "README.md" {
			continue
		}
		n++
		if !listed[name] {
			t.Errorf("%s is in testdata/pdf but not in its MANIFEST.tsv", name)
		}
	}
	if n == 0 {
		t.Error("no test PDFs")
	}
	t.Logf("%d test PDFs, each with its MANIFEST.tsv line", n)
}
