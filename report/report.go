// Package report writes lint results for people and machines: text for a
// terminal, JSON, and GitHub workflow commands. SARIF lives in package sarif.
package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prodlint/prodlint/lint"
)

// Summary counts what a run produced.
type Summary struct {
	Findings int            `json:"findings"`
	BySev    map[string]int `json:"bySeverity"`
	Files    int            `json:"files"`
	Targets  int            `json:"targets"`
	ByKind   map[string]int `json:"targetsByKind"`
	Failed   int            `json:"failedTargets"`
	Objects  int            `json:"objects"`
	// Compared is true when findings were compared with a base revision;
	// Findings, BySev and Files then count the new findings only.
	Compared bool `json:"compared,omitempty"`
	Existing int  `json:"preExisting,omitempty"`
	Fixed    int  `json:"fixed,omitempty"`
	// Suppressed counts findings suppressed in the source; they are not in
	// Findings.
	Suppressed int `json:"suppressed,omitempty"`
}

// Summarize counts findings, files and targets of a result.
func Summarize(res *lint.Result) Summary {
	s := Summary{BySev: map[string]int{}, ByKind: map[string]int{}, Targets: len(res.Targets), Objects: res.Objects}
	files := map[string]bool{}
	for _, f := range res.Findings {
		if f.Baseline != "" {
			s.Compared = true
		}
		if f.Suppressed != nil {
			s.Suppressed++
			continue
		}
		if f.Baseline == lint.Unchanged {
			s.Existing++
			continue
		}
		s.Findings++
		s.BySev[f.Severity.String()]++
		files[f.Location.File] = true
	}
	s.Files = len(files)
	s.Fixed = len(res.Fixed)
	if s.Fixed > 0 {
		s.Compared = true
	}
	for _, t := range res.Targets {
		s.ByKind[string(t.Kind)]++
	}
	failed := map[string]bool{}
	for _, e := range res.Errors {
		failed[e.Target.String()] = true
	}
	s.Failed = len(failed)
	return s
}

// Line is the one-line summary that ends the text output:
// "5 findings (2 errors, 3 warnings) in 3 files; 4 targets (2 helm, 1 kustomize, 1 plain), 1 failed".
func (s Summary) Line() string {
	var b strings.Builder
	noun := "finding"
	if s.Compared {
		noun = "new finding"
	}
	if s.Findings == 0 {
		b.WriteString("no " + noun + "s")
	} else {
		b.WriteString(plural(s.Findings, noun))
		var parts []string
		for _, sev := range []string{"error", "warning", "note"} {
			if n := s.BySev[sev]; n > 0 {
				parts = append(parts, plural(n, sev))
			}
		}
		fmt.Fprintf(&b, " (%s) in %s", strings.Join(parts, ", "), plural(s.Files, "file"))
	}
	if s.Existing > 0 {
		fmt.Fprintf(&b, "; %d pre-existing not shown (--all-findings shows them)", s.Existing)
	}
	if s.Fixed > 0 {
		fmt.Fprintf(&b, "; %d fixed", s.Fixed)
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "; %d suppressed", s.Suppressed)
	}
	fmt.Fprintf(&b, "; %s", plural(s.Targets, "target"))
	var kinds []string
	for k := range s.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", s.ByKind[k], k))
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %s", plural(s.Objects, "object"))
	if s.Failed > 0 {
		fmt.Fprintf(&b, "; %d failed to render", s.Failed)
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// errorFile returns the file an error names, for placing it in output
// formats that need a file: the FileError's file, else the target folder.
func errorFile(e *lint.TargetError) (string, int) {
	if file, line := e.File(); file != "" {
		return file, line
	}
	return e.Target.Dir, 0
}
