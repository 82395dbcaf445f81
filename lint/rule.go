// Package lint holds prodlint's rules, the findings they produce and the
// pipeline that runs them over rendered objects.
//
// A rule is one small file: an id, a default severity, docs, and a pure
// check over one rendered object (and, for rules that compare objects, the
// other objects of the same render). A check reports object paths; the
// object's Locator turns them into file:line:column afterwards.
package lint

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/prodlint/prodlint/render"
)

// Severity is how bad a finding is.
type Severity int

// Severities, in increasing order.
const (
	None Severity = iota
	Note
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// MarshalText writes the severity by name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity parses error, warning, note or none.
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "note":
		return Note, nil
	case "none":
		return None, nil
	}
	return None, fmt.Errorf("unknown severity %q: use error, warning, note or none", s)
}

// Rule is one production-readiness check.
type Rule struct {
	// ID is the stable kebab-case identifier (privileged-container).
	ID string
	// Severity is the default severity.
	Severity Severity
	// Summary is one line, shown by `prodlint rules` and as SARIF
	// shortDescription.
	Summary string
	// Rationale says why it matters in production (SARIF fullDescription).
	Rationale string
	// Remediation says how to fix it, in Markdown, with a YAML example.
	Remediation string
	// Tags group rules ("security", "reliability", "resources", "rbac").
	Tags []string
	// SecuritySeverity is the CVSS-like score (0.1 to 10) GitHub uses to rank
	// security rules; 0 for rules without the security tag.
	SecuritySeverity float64
	// OptIn rules are off unless the configuration enables them.
	OptIn bool
	// Meta rules are reported by the pipeline (about suppressions), not by
	// a check over objects; their Check does nothing.
	Meta bool
	// Check inspects pass.Object and reports problems.
	Check func(pass *Pass)
}

// Problem is what a check reports: a path in the object and a message.
type Problem struct {
	Path      render.Path
	Message   string
	Container string
}

// Env is what a check may know about the render besides the objects.
type Env struct {
	// KubeVersion is the Kubernetes version linted for ("1.34.0").
	KubeVersion string
	// Target is the target the objects came from.
	Target render.Target
	// CRDs are the CustomResourceDefinitions rendered by every target of
	// the run, for validating custom resources.
	CRDs []*render.Object
	// GitOps is what the rules about GitOps objects know (gitops.go).
	GitOps GitOpsEnv
}

// Pass is the unit a check runs on: one object, with the other objects of the
// same render for rules that relate objects.
type Pass struct {
	Env    Env
	Object *render.Object
	// Objects are all objects of the same target variant, Object included.
	Objects  []*render.Object
	problems []Problem
}

// Report records a problem at path.
func (p *Pass) Report(path render.Path, format string, args ...any) {
	p.problems = append(p.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// ReportContainer records a problem in a container.
func (p *Pass) ReportContainer(c Container, path render.Path, format string, args ...any) {
	p.problems = append(p.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...), Container: c.Name})
}

// Run runs rule r on one object and returns its problems.
func (r *Rule) Run(env Env, obj *render.Object, all []*render.Object) []Problem {
	p := &Pass{Env: env, Object: obj, Objects: all}
	r.Check(p)
	return p.problems
}

var registry = map[string]*Rule{}

var ruleID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Register adds a rule to the registry. It panics on an invalid or duplicate
// rule, which a test catches at once.
func Register(r *Rule) *Rule {
	if err := validateRule(r); err != nil {
		panic(err)
	}
	if _, dup := registry[r.ID]; dup {
		panic("lint: duplicate rule " + r.ID)
	}
	registry[r.ID] = r
	return r
}

func validateRule(r *Rule) error {
	switch {
	case !ruleID.MatchString(r.ID):
		return fmt.Errorf("lint: rule id %q is not kebab-case", r.ID)
	case r.Severity < Note || r.Severity > Error:
		return fmt.Errorf("lint: rule %s: no default severity", r.ID)
	case r.Summary == "" || r.Rationale == "" || r.Remediation == "":
		return fmt.Errorf("lint: rule %s: summary, rationale and remediation are required", r.ID)
	case strings.Contains(r.Summary, "\n"):
		return fmt.Errorf("lint: rule %s: summary must be one line", r.ID)
	case r.Check == nil:
		return fmt.Errorf("lint: rule %s: no check", r.ID)
	case len(r.Tags) == 0:
		return fmt.Errorf("lint: rule %s: no tags", r.ID)
	}
	sec := false
	for _, t := range r.Tags {
		sec = sec || t == "security"
	}
	if sec != (r.SecuritySeverity > 0) || r.SecuritySeverity > 10 {
		return fmt.Errorf("lint: rule %s: security rules (and only they) need a security severity in (0, 10]", r.ID)
	}
	return nil
}

// Rules returns every registered rule, sorted by id.
func Rules() []*Rule {
	rs := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}

// DefaultRules returns the rules that run without configuration: every
// registered rule that is not opt-in.
func DefaultRules() []*Rule {
	var rs []*Rule
	for _, r := range Rules() {
		if !r.OptIn {
			rs = append(rs, r)
		}
	}
	return rs
}

// Lookup returns the rule with the given id.
func Lookup(id string) (*Rule, bool) {
	r, ok := registry[id]
	return r, ok
}

// HasTag reports whether the rule carries tag t.
func (r *Rule) HasTag(t string) bool {
	for _, x := range r.Tags {
		if x == t {
			return true
		}
	}
	return false
}
