package lint

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzCommentSuppressions scans arbitrary file content for
// "# prodlint:ignore" comments. It must never panic; every suppression must
// sit on a line of the file with a non-empty span, cover its own line (and
// at most the next one), and be either valid (rules and a reason) or say why
// not.
//
// Seeds: testdata/fuzz/FuzzCommentSuppressions. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzCommentSuppressions$' -fuzztime 5m ./lint
func FuzzCommentSuppressions(f *testing.F) {
	for _, s := range []string{
		"hostNetwork: true # prodlint:ignore host-network -- the CNI agent needs it\n",
		"# prodlint:ignore host-network,host-pid -- node agent\nhostNetwork: true\n",
		"image: x # prodlint:ignore all -- vendored {{ .Values.x }} #@L3\n",
		"# prodlint:ignore\n# prodlint:ignore no-such-rule -- why\n#prodlint:ignore host-network --\r\n",
		"a: 1 # prodlint:ignore host-network -- é\xff\n" + strings.Repeat("x", 70000) + "\n# prodlint:ignore all -- long line above\n",
		"#\tprodlint:ignore\thost-network\t--\treason # prodlint:ignore host-pid -- twice",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Count(src, []byte("\n")) + 1
		for n, sups := range commentSuppressions("a.yaml", src) {
			if n < 1 || n > lines+1 {
				t.Fatalf("suppression keyed on line %d of %d", n, lines)
			}
			for _, s := range sups {
				l := s.loc
				if l.File != "a.yaml" || l.Line < 1 || l.Line > lines || l.Line != n && l.Line != n-1 || l.Col < 1 || l.EndLine != l.Line || l.EndCol <= l.Col {
					t.Fatalf("suppression at %+v keyed on line %d", l, n)
				}
				if s.invalid == "" && (len(s.rules) == 0 || s.reason == "") {
					t.Fatalf("valid suppression without rules or reason: %+v", s)
				}
				for _, r := range s.rules {
					if r == "" || strings.ContainsAny(r, ", ") {
						t.Fatalf("rule %q", r)
					}
				}
			}
		}
	})
}
