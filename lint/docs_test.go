package lint

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// rulesDoc is the generated rule reference, relative to this package.
const rulesDoc = "../docs/rules.md"

// -update rewrites generated files instead of comparing them. The flag is
// registered in init, which runs after the package-level variables of every
// test file, and only when no other test file of the package has defined
// it already.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite generated files (docs/rules.md)")
	}
}

// updating reports whether -update was given.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestRulesDoc fails when docs/rules.md is not the text RulesMarkdown
// generates.
func TestRulesDoc(t *testing.T) {
	got := RulesMarkdown()
	if updating() {
		if err := os.WriteFile(rulesDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(rulesDoc)
	if err != nil {
		t.Fatalf("%v; run: go test ./lint -run TestRulesDoc -update", err)
	}
	if string(b) != got {
		t.Errorf("docs/rules.md is out of date with the rule registry; run: go test ./lint -run TestRulesDoc -update\n%s", firstDiff(string(b), got))
	}
}

// TestRulesMarkdownAnchors checks that every rule has a section whose GitHub
// anchor is the rule id, and that its remediation holds a YAML example.
func TestRulesMarkdownAnchors(t *testing.T) {
	md := RulesMarkdown()
	headings := map[string]int{}
	for _, line := range strings.Split(md, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			headings[githubSlug(h)]++
		}
	}
	for _, r := range Rules() {
		if headings[r.ID] != 1 {
			t.Errorf("%s: %d sections with anchor #%s, want 1", r.ID, headings[r.ID], r.ID)
		}
		if !strings.Contains(md, "(#"+r.ID+")") {
			t.Errorf("%s: not linked from the table of contents", r.ID)
		}
		if !strings.Contains(r.Remediation, "```yaml\n") || strings.Count(r.Remediation, "```")%2 != 0 {
			t.Errorf("%s: remediation needs a fenced YAML example", r.ID)
		}
	}
}

// githubSlug approximates GitHub's heading anchors: lower case, spaces to
// hyphens, punctuation other than hyphens and underscores dropped.
func githubSlug(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = regexp.MustCompile(`[^\p{L}\p{N}\s_-]`).ReplaceAllString(h, "")
	return strings.ReplaceAll(h, " ", "-")
}

// firstDiff describes the first line where two texts differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("first difference at line %d:\n  file:      %s\n  generated: %s", i+1, x, y)
		}
	}
	return ""
}

// TestOptInDocumented checks that opt-in rules say so where users read how
// to fix them, and that the reference marks them.
func TestOptInDocumented(t *testing.T) {
	md := RulesMarkdown()
	for _, r := range Rules() {
		if !r.OptIn {
			continue
		}
		if !strings.Contains(strings.ToLower(r.Remediation), "opt-in") {
			t.Errorf("%s: opt-in rule whose remediation does not say it is opt-in", r.ID)
		}
		if !strings.Contains(md, "| ["+r.ID+"](#"+r.ID+") | "+r.Severity.String()+" (opt-in) |") {
			t.Errorf("%s: not marked opt-in in the table", r.ID)
		}
	}
}
