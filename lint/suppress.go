package lint

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/prodlint/prodlint/render"
)

// In-source suppressions.
//
// On an object, for every finding about it:
//
//	metadata:
//	  annotations:
//	    prodlint.dev/ignore: host-network,host-pid
//	    prodlint.dev/ignore-reason: the CNI agent needs the host network
//
// As a YAML comment (also in Helm templates), for findings on that line, or
// on the next line when the comment stands alone:
//
//	hostNetwork: true # prodlint:ignore host-network -- the CNI agent needs it
//
// A reason is required. "all" names every rule. A suppression that names an
// unknown rule or has no reason suppresses nothing and is reported as
// invalid-suppression; one that suppresses nothing is reported as
// unused-suppression.
const (
	AnnotationIgnore = "prodlint.dev/ignore"
	AnnotationReason = "prodlint.dev/ignore-reason"
)

// Suppression says why a finding is not reported.
type Suppression struct {
	// Kind is "inSource" (SARIF's suppression kind).
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
	// Location is where the suppression is written.
	Location render.Location `json:"location"`
}

// suppression is one written suppression and what it suppressed.
type suppression struct {
	rules   []string
	reason  string
	loc     render.Location
	comment bool
	invalid string // why it cannot apply
	used    map[string]bool
}

func (s *suppression) covers(rule string) bool {
	if s.invalid != "" {
		return false
	}
	for _, r := range s.rules {
		if r == rule || r == "all" {
			return true
		}
	}
	return false
}

func (s *suppression) apply(f *Finding) {
	s.used[f.Rule] = true
	f.Suppressed = &Suppression{Kind: "inSource", Justification: s.reason, Location: s.loc}
}

func newSuppression(rules, reason string, loc render.Location, comment bool) *suppression {
	s := &suppression{reason: strings.TrimSpace(reason), loc: loc, comment: comment, used: map[string]bool{}}
	for _, r := range strings.FieldsFunc(rules, func(c rune) bool { return c == ',' || c == ' ' }) {
		s.rules = append(s.rules, r)
	}
	var unknown []string
	for _, r := range s.rules {
		if _, ok := Lookup(r); !ok && r != "all" {
			unknown = append(unknown, r)
		}
	}
	switch {
	case len(s.rules) == 0:
		s.invalid = "names no rule; write the rule ids to ignore"
	case len(unknown) > 0:
		s.invalid = fmt.Sprintf("names unknown rule %s; run \"prodlint rules\" to list them", strings.Join(unknown, ", "))
	case s.reason == "" && comment:
		s.invalid = "has no reason; write one after \" -- \""
	case s.reason == "":
		s.invalid = "has no reason; add the " + AnnotationReason + " annotation"
	}
	return s
}

// annotationSuppression reads an object's ignore annotation, if any.
func annotationSuppression(o *render.Object) *suppression {
	md, _ := o.Raw["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	rules, ok := ann[AnnotationIgnore].(string)
	if !ok {
		return nil
	}
	reason, _ := ann[AnnotationReason].(string)
	var loc render.Location
	if o.Locator != nil {
		loc = o.Locator.Locate(render.Path{}.Key("metadata").Key("annotations").Key(AnnotationIgnore))
	}
	if loc.File == "" {
		loc.File = o.File
	}
	return newSuppression(rules, reason, loc.Normalize(), false)
}

// ignoreComment matches "# prodlint:ignore rule-a,rule-b -- reason".
var ignoreComment = regexp.MustCompile(`#\s*prodlint:ignore\b([^\n]*)`)

// commentSuppressions scans a file for ignore comments, keyed by the line
// they cover: their own line (trailing comment) and, for a comment alone on
// its line, the next line.
func commentSuppressions(file string, src []byte) map[int][]*suppression {
	out := map[int][]*suppression{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		m := ignoreComment.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		body := strings.TrimSpace(line[m[2]:m[3]])
		// Helm templates may end the line with a template action or our
		// own marker; cut at the first "{{" or " #".
		if i := strings.Index(body, "{{"); i >= 0 {
			body = strings.TrimSpace(body[:i])
		}
		rules, reason, _ := strings.Cut(body, "--")
		loc := render.Location{File: file, Line: n, Col: m[0] + 1, EndLine: n, EndCol: len(line) + 1}
		s := newSuppression(rules, reason, loc, true)
		out[n] = append(out[n], s)
		if strings.TrimSpace(line[:m[0]]) == "" {
			out[n+1] = append(out[n+1], s)
		}
	}
	return out
}

// suppressor applies the suppressions of one run.
type suppressor struct {
	fsys     fs.FS
	running  map[string]bool
	byObject map[string]*suppression // annotation suppressions by location key
	comments map[string]map[int][]*suppression
}

func locKey(l render.Location) string { return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Col) }

// suppress marks suppressed findings and returns the findings about the
// suppressions themselves (invalid, unused). files lists every source file
// that produced objects, so that unused comments are found there too; only
// rules in running (nil: all) can make a suppression unused.
func suppress(fsys fs.FS, findings []Finding, objSups []*suppression, files []string, running map[string]bool) []Finding {
	sp := &suppressor{fsys: fsys, running: running, byObject: map[string]*suppression{}, comments: map[string]map[int][]*suppression{}}
	for _, s := range objSups {
		if prev, ok := sp.byObject[locKey(s.loc)]; ok {
			s.used = prev.used
			continue
		}
		sp.byObject[locKey(s.loc)] = s
	}
	for i := range findings {
		f := &findings[i]
		if f.annotation != "" {
			if s := sp.byObject[f.annotation]; s != nil && s.covers(f.Rule) {
				s.apply(f)
				continue
			}
		}
		// A comment on the finding's line, or on the line that set the
		// offending value (a values file, a GitOps object's inline
		// values, a Flux variable), which may become the finding's line.
		places := []render.Location{f.Location}
		for _, r := range f.Related {
			if r.Value || r.Sets {
				places = append(places, r.Location)
			}
		}
	place:
		for _, l := range places {
			for _, s := range sp.fileComments(l.File)[l.Line] {
				if s.covers(f.Rule) {
					s.apply(f)
					break place
				}
			}
		}
	}
	for _, file := range files {
		sp.fileComments(file)
	}
	return sp.report()
}

func (sp *suppressor) fileComments(file string) map[int][]*suppression {
	if c, ok := sp.comments[file]; ok {
		return c
	}
	var c map[int][]*suppression
	if sp.fsys != nil && file != "" {
		if b, err := fs.ReadFile(sp.fsys, file); err == nil && bytes.Contains(b, []byte("prodlint:ignore")) {
			c = commentSuppressions(file, b)
		}
	}
	sp.comments[file] = c
	return c
}

// report returns invalid-suppression and unused-suppression findings, one
// per written suppression.
func (sp *suppressor) report() []Finding {
	seen := map[*suppression]bool{}
	var all []*suppression
	for _, s := range sp.byObject {
		all = append(all, s)
	}
	for _, c := range sp.comments {
		for _, ss := range c {
			all = append(all, ss...)
		}
	}
	var out []Finding
	for _, s := range all {
		if seen[s] {
			continue
		}
		seen[s] = true
		what := "suppression annotation " + AnnotationIgnore
		if s.comment {
			what = "suppression comment"
		}
		switch {
		case s.invalid != "":
			out = append(out, metaFinding(invalidSuppression, s.loc, what+" "+s.invalid))
		default:
			var unused []string
			for _, r := range s.rules {
				if !s.used[r] && running(sp.running, r) && !(r == "all" && len(s.used) > 0) {
					unused = append(unused, r)
				}
			}
			if len(unused) > 0 {
				out = append(out, metaFinding(unusedSuppression, s.loc,
					fmt.Sprintf("%s ignores %s but there is no such finding here; remove it", what, strings.Join(unused, ", "))))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return locKey(out[i].Location) < locKey(out[j].Location) })
	return out
}

func metaFinding(r *Rule, loc render.Location, msg string) Finding {
	f := Finding{Rule: r.ID, Severity: r.Severity, Message: msg, Path: "", Location: loc}
	f.Fingerprint = fingerprint(&Finding{Rule: r.ID, Target: loc.File, Path: fmt.Sprint(loc.Line), Message: msg})
	return f
}

var (
	invalidSuppression = Register(&Rule{
		ID:       "invalid-suppression",
		Severity: Warning,
		Meta:     true,
		Summary:  "A suppression names an unknown rule or gives no reason",
		Rationale: "A suppression without a reason cannot be reviewed, and one that names a rule that does not exist " +
			"(a typo, a renamed rule) silently suppresses nothing. Such a suppression does not apply.",
		Remediation: "Name existing rules (`prodlint rules` lists them) and give a reason:\n\n```yaml\n" +
			"hostNetwork: true # prodlint:ignore host-network -- the CNI agent needs the node's network\n```\n\nor\n\n```yaml\n" +
			"metadata:\n  annotations:\n    prodlint.dev/ignore: host-network\n    prodlint.dev/ignore-reason: the CNI agent needs the node's network\n```",
		Tags:  []string{"hygiene"},
		Check: func(*Pass) {},
	})
	unusedSuppression = Register(&Rule{
		ID:       "unused-suppression",
		Severity: Warning,
		Meta:     true,
		Summary:  "A suppression suppresses nothing",
		Rationale: "A suppression that no longer matches a finding is stale: the problem was fixed or moved. Left in " +
			"place it would silently hide the problem when it comes back.",
		Remediation: "Remove the comment or annotation, or move it to the line the finding is reported on:\n\n```yaml\n" +
			"# before\nimage: nginx:1.27 # prodlint:ignore image-latest-tag -- pinned upstream\n# after\nimage: nginx:1.27\n```",
		Tags:  []string{"hygiene"},
		Check: func(*Pass) {},
	})
)

// running reports whether rule r ran ("all" always does).
func running(rs map[string]bool, r string) bool { return r == "all" || rs == nil || rs[r] }
