// Package sarif writes lint results as SARIF 2.1.0 for GitHub code scanning.
//
// The log has one run. Its driver describes every rule (not only those with
// results) with the metadata GitHub requires and shows: short and full
// description, help in text and Markdown, help URI, default level, tags,
// precision and, for security rules, security-severity. Each finding becomes
// one result placed in a repository-relative file under %SRCROOT%, with a
// full region and a primaryLocationLineHash fingerprint that does not depend
// on line numbers, so that alerts survive edits that move lines.
//
// Render errors and renderer notes are tool execution notifications, never
// results: GitHub ignores notifications, and a render error is not a problem
// in the linted code that an alert could track.
//
// Output is deterministic (no timestamps or GUIDs), indented JSON without the
// SARIF default values that the SARIF library writes explicitly (-1 indexes
// and offsets, empty arrays), and is checked against the SARIF schema before
// it is written.
package sarif

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

// Defaults and limits.
const (
	// DefaultCategory is the automationDetails category when Options has
	// none.
	DefaultCategory = "prodlint"
	// DefaultHelpBaseURI is the rules page; a rule's helpUri is this page
	// with the rule id as the fragment.
	DefaultHelpBaseURI = "https://github.com/prodlint/prodlint/blob/main/docs/rules.md"
	// InformationURI is the tool's home page (tool.driver.informationUri).
	InformationURI = "https://github.com/prodlint/prodlint"
	// MaxResults is the number of results per run that GitHub code scanning
	// accepts; results beyond it are dropped with a warning notification.
	MaxResults = 25000
	// SrcRoot is the uriBaseId of every location: the repository root.
	SrcRoot = "%SRCROOT%"

	// maxDescription is GitHub's limit for rule descriptions, in characters.
	maxDescription = 1024
	// maxTags is GitHub's limit for tags per rule.
	maxTags = 20
)

// resultLimit is MaxResults, lowered by tests.
var resultLimit = MaxResults

// Options configure the SARIF log.
type Options struct {
	// Version is prodlint's version, written as tool.driver.version without
	// a leading "v", and as semanticVersion too when it is a semantic
	// version. A version that does not start with a digit (a development
	// build such as "dev") is written as "0.0.0-dev".
	Version string
	// Category is the code scanning category, written as
	// automationDetails.id "<Category>/" ("prodlint/shard-1-of-3"). Uploads
	// with different categories do not close each other's alerts. Default
	// DefaultCategory.
	Category string
	// RootURI is the repository root, as a file URI ("file:///src/repo/") or
	// an absolute path, written as originalUriBaseIds[%SRCROOT%]. Optional:
	// GitHub resolves %SRCROOT% to the checkout itself.
	RootURI string
	// Rules are the rules described in tool.driver.rules; default
	// lint.Rules(). A finding whose rule is not among them is looked up with
	// lint.Lookup and described too.
	Rules []*lint.Rule
	// HelpBaseURI is the page documenting the rules; default
	// DefaultHelpBaseURI. A rule's helpUri is HelpBaseURI + "#" + id.
	HelpBaseURI string
	// IncludeSuppressed keeps findings suppressed in the source, with their
	// justification. By default they are left out: GitHub code scanning
	// ignores SARIF suppressions and would show them as open alerts.
	IncludeSuppressed bool
}

// Write writes res as an indented SARIF 2.1.0 log to w. It returns an error,
// and writes nothing, when the log does not validate against the SARIF
// schema.
func Write(w io.Writer, res *lint.Result, opts Options) error {
	rep, err := Build(res, opts)
	if err != nil {
		return err
	}
	if err := rep.Validate(); err != nil {
		return fmt.Errorf("sarif: invalid log: %w", err)
	}
	b, err := encode(rep)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Build turns res into a SARIF report with one run. The report holds the
// SARIF library's explicit defaults; Write leaves them out.
func Build(res *lint.Result, opts Options) (*sarif.Report, error) {
	if res == nil {
		res = &lint.Result{}
	}
	opts = opts.withDefaults()

	run := sarif.NewRunWithInformationURI("prodlint", InformationURI)
	v := toolVersion(opts.Version)
	run.Tool.Driver.WithVersion(v)
	if isSemver(v) {
		run.Tool.Driver.WithSemanticVersion(v)
	}
	run.WithColumnKind("unicodeCodePoints")
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(automationID(opts.Category)))
	if opts.RootURI != "" {
		root, err := rootURI(opts.RootURI)
		if err != nil {
			return nil, err
		}
		run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{SrcRoot: {URI: &root, Index: -1}})
	}

	rules, err := ruleSet(opts.Rules, res.Findings)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, descriptor(r, opts.HelpBaseURI))
	}

	findings := res.Findings
	if !opts.IncludeSuppressed {
		findings = slices.DeleteFunc(slices.Clone(findings), func(f lint.Finding) bool { return f.Suppressed != nil })
	}
	dropped := 0
	if len(findings) > resultLimit {
		dropped = len(findings) - resultLimit
		findings = findings[:resultLimit]
	}
	run.Results = make([]*sarif.Result, 0, len(findings))
	for i := range findings {
		f := &findings[i]
		run.AddResult(result(f, index[f.Rule]))
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(res.Errors) == 0)
	for _, e := range res.Errors {
		n := sarif.NewNotification().WithLevel(sarif.LevelError).WithMessage(sarif.NewTextMessage(e.Error()))
		if loc := errorLocation(e); loc != nil {
			n.AddLocation(loc)
		}
		inv.AddToolExecutionNotification(n)
	}
	if dropped > 0 {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf(
				"%d of %d results were left out: GitHub code scanning accepts at most %d results per run, so only the first %d are included.",
				dropped, dropped+resultLimit, resultLimit, resultLimit))))
	}
	for _, note := range res.Notes {
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelNote).
			WithMessage(sarif.NewTextMessage(note)))
	}
	run.AddInvocation(inv)

	rep := report.NewV210Report()
	rep.AddRun(run)
	return rep, nil
}

// withDefaults fills in the defaults of unset options.
func (o Options) withDefaults() Options {
	if o.Category == "" {
		o.Category = DefaultCategory
	}
	if o.HelpBaseURI == "" {
		o.HelpBaseURI = DefaultHelpBaseURI
	}
	if o.Rules == nil {
		o.Rules = lint.Rules()
	}
	return o
}

// automationID is "<category>/": GitHub reads everything before the last
// slash as the category and the rest as the run id, which stays empty.
func automationID(category string) string {
	return strings.TrimSuffix(category, "/") + "/"
}

// rootURI turns a file URI or an absolute path into the absolute,
// slash-terminated URI that originalUriBaseIds requires.
func rootURI(s string) (string, error) {
	if !strings.Contains(s, "://") {
		if !path.IsAbs(s) {
			return "", fmt.Errorf("sarif: root %q is neither a URI nor an absolute path", s)
		}
		s = "file://" + escapePath(s)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return "", fmt.Errorf("sarif: root URI %q is not an absolute URI", s)
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}

// devVersion is the tool version of development builds.
const devVersion = "0.0.0-dev"

// toolVersion returns the version to write as tool.driver.version. The SARIF
// validator warns (SARIF2005) about a missing version and about one that does
// not start with a digit, so a leading "v" is dropped and other versions
// become devVersion.
func toolVersion(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	if v == "" || v[0] < '0' || v[0] > '9' {
		return devVersion
	}
	return v
}

// isSemver reports whether v is MAJOR.MINOR.PATCH with an optional
// pre-release and build suffix (a loose check of Semantic Versioning 2.0).
func isSemver(v string) bool {
	core, build, hasBuild := strings.Cut(v, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	if hasPre && pre == "" || hasBuild && build == "" {
		return false
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" || len(p) > 1 && p[0] == '0' {
			return false
		}
	}
	return true
}

// ruleSet returns the rules to describe, sorted by id and without duplicates:
// rules plus the registered rules of findings that rules lacks.
func ruleSet(rules []*lint.Rule, findings []lint.Finding) ([]*lint.Rule, error) {
	seen := map[string]bool{}
	var out []*lint.Rule
	for _, r := range rules {
		if r == nil || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	for _, f := range findings {
		if seen[f.Rule] {
			continue
		}
		r, ok := lint.Lookup(f.Rule)
		if !ok {
			return nil, fmt.Errorf("sarif: finding for unknown rule %q", f.Rule)
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// descriptor describes a rule as GitHub shows it in an alert.
func descriptor(r *lint.Rule, helpBase string) *sarif.ReportingDescriptor {
	helpURI := helpBase + "#" + r.ID
	d := sarif.NewRule(r.ID).
		WithName(pascalCase(r.ID)).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(truncate(r.Summary, maxDescription))).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(truncate(strings.TrimSpace(r.Rationale), maxDescription))).
		WithHelpURI(helpURI).
		WithHelp(sarif.NewMultiformatMessageString().
			WithText(helpText(r, helpURI)).
			WithMarkdown(helpMarkdown(r, helpURI))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(r.Severity)))

	props := sarif.NewPropertyBag().Add("precision", "high")
	for _, t := range r.Tags {
		if len(props.Tags) < maxTags && !slices.Contains(props.Tags, t) {
			props.AddTag(t)
		}
	}
	if r.HasTag("security") && r.SecuritySeverity > 0 {
		props.Add("security-severity", decimal(r.SecuritySeverity))
	}
	return d.WithProperties(props)
}

// decimal formats a score as GitHub's examples do, with at least one
// decimal: 8 is "8.0", 6.25 is "6.25".
func decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// helpText is the rule help as plain text: summary, rationale, remediation
// and a link to the documentation.
func helpText(r *lint.Rule, helpURI string) string {
	var b strings.Builder
	b.WriteString(r.Summary)
	b.WriteString("\n\n")
	b.WriteString(strings.TrimSpace(r.Rationale))
	b.WriteString("\n\nRemediation:\n\n")
	b.WriteString(plainText(r.Remediation))
	b.WriteString("\n\nDocumentation: ")
	b.WriteString(helpURI)
	return b.String()
}

// helpMarkdown is the rule help that GitHub shows with an alert: summary,
// rationale, remediation with its YAML example, and a link to the
// documentation.
func helpMarkdown(r *lint.Rule, helpURI string) string {
	var b strings.Builder
	b.WriteString("**")
	b.WriteString(r.Summary)
	b.WriteString("**\n\n")
	b.WriteString(strings.TrimSpace(r.Rationale))
	b.WriteString("\n\n## Remediation\n\n")
	b.WriteString(strings.TrimSpace(r.Remediation))
	b.WriteString("\n\n[Rule documentation](")
	b.WriteString(helpURI)
	b.WriteString(")")
	return b.String()
}

// plainText makes Markdown readable as text: fenced code blocks become
// blocks indented by four spaces, the rest is kept.
func plainText(md string) string {
	var out []string
	inCode := false
	for _, line := range strings.Split(strings.TrimSpace(md), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inCode = !inCode
			continue
		}
		if inCode && line != "" {
			line = "    " + line
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// physicalLocation turns a location into a SARIF location with a full region.
func physicalLocation(l render.Location) *sarif.Location {
	l = l.Normalize()
	region := sarif.NewRegion().
		WithStartLine(l.Line).WithStartColumn(l.Col).
		WithEndLine(l.EndLine).WithEndColumn(l.EndCol)
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(artifactLocation(l.File)).
		WithRegion(region))
}

// result turns a finding into a SARIF result.
func result(f *lint.Finding, ruleIndex int) *sarif.Result {
	loc := physicalLocation(f.Location)

	props := sarif.NewPropertyBag()
	if f.Target != "" {
		props.Add("target", f.Target).Add("targetKind", string(f.TargetKind))
	}
	if f.Object.Kind != "" {
		props.Add("object", f.Object.String())
	}
	if f.Path != "" {
		props.Add("path", f.Path)
	}
	if f.Container != "" {
		props.Add("container", f.Container)
	}
	if f.Hook != "" {
		props.Add("hook", f.Hook)
	}
	if vs := variants(f); len(vs) > 0 {
		props.Add("variants", vs)
	}

	r := sarif.NewRuleResult(f.Rule)
	if f.Baseline != "" {
		r.WithBaselineState(string(f.Baseline))
	}
	if sp := f.Suppressed; sp != nil {
		sup := sarif.NewSuppression().WithKind("inSource").WithStatus("accepted").WithJustification(sp.Justification)
		if sp.Location.File != "" {
			sup.WithLocation(physicalLocation(sp.Location))
		}
		r.AddSuppression(sup)
	}
	for i, rel := range f.Related {
		rl := physicalLocation(rel.Location)
		rl.WithID(i + 1).WithMessage(sarif.NewTextMessage(rel.Message))
		r.AddRelatedLocation(rl)
	}
	return r.
		WithRuleIndex(ruleIndex).
		WithLevel(level(f.Severity)).
		WithMessage(sarif.NewTextMessage(f.Text())).
		AddLocation(loc).
		WithPartialFingerprints(map[string]string{"primaryLocationLineHash": f.Fingerprint + ":1"}).
		WithProperties(props)
}

// variants names a finding's variants as Finding.Text does (Labels), with
// the other targets' it merges; a finding of a target without variants, or
// of the default variant alone, has none.
func variants(f *lint.Finding) []string {
	if len(f.Variants) == 1 && f.Variants[0] == "" && len(f.Also) == 0 {
		return nil
	}
	return f.Labels()
}

// errorLocation places a render error: in the file and line it names, else
// in the target's folder.
func errorLocation(e *lint.TargetError) *sarif.Location {
	file, line := e.File()
	if file == "" && e.Target.Dir != "" {
		file = dirURI(e.Target.Dir)
	}
	if file == "" {
		return nil
	}
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(artifactLocation(file))
	if line > 0 {
		pl.WithRegion(sarif.NewRegion().WithStartLine(line))
	}
	return sarif.NewLocationWithPhysicalLocation(pl)
}

// dirURI turns a folder into a path ending in a slash; the repository root
// is "./".
func dirURI(dir string) string {
	dir = strings.TrimSuffix(path.Clean(dir), "/")
	if dir == "." || dir == "" {
		return "./"
	}
	return dir + "/"
}

// artifactLocation returns the location of a repository-relative file under
// %SRCROOT%, or of an absolute file as a file URI.
func artifactLocation(file string) *sarif.ArtifactLocation {
	if path.IsAbs(file) {
		return sarif.NewSimpleArtifactLocation("file://" + escapePath(file))
	}
	return sarif.NewSimpleArtifactLocation(escapePath(file)).WithURIBaseID(SrcRoot)
}

// escapePath percent-encodes a slash-separated path for use as a URI
// reference, keeping the slashes. Colons are escaped too, so that a first
// segment such as "c:" cannot read as a URI scheme.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// level maps a severity to a SARIF level.
func level(s lint.Severity) string {
	switch s {
	case lint.Error:
		return sarif.LevelError
	case lint.Warning:
		return sarif.LevelWarning
	case lint.Note:
		return sarif.LevelNote
	}
	return sarif.LevelNone
}

// pascalCase turns a kebab-case id into the rule's name:
// privileged-container becomes PrivilegedContainer.
func pascalCase(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		r, n := utf8.DecodeRuneInString(part)
		if n == 0 {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	return b.String()
}

// truncate shortens s to at most n characters, ending it with an ellipsis
// when it cuts.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimRightFunc(string(rs[:n-1]), unicode.IsSpace) + "…"
}

// encode writes the report as indented JSON without HTML escaping and without
// the explicit SARIF defaults (see prune). Keys are sorted, except that the
// log starts with "$schema" and "version" and a run with its tool, the way
// people read a log.
func encode(rep *sarif.Report) ([]byte, error) {
	raw, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc struct {
		Schema  string           `json:"$schema"`
		Version string           `json:"version"`
		Runs    []map[string]any `json:"runs"`
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	type run struct {
		Tool               any `json:"tool"`
		AutomationDetails  any `json:"automationDetails,omitempty"`
		OriginalURIBaseIDs any `json:"originalUriBaseIds,omitempty"`
		ColumnKind         any `json:"columnKind,omitempty"`
		Results            any `json:"results"`
		Invocations        any `json:"invocations,omitempty"`
	}
	runs := make([]run, len(doc.Runs))
	for i, r := range doc.Runs {
		prune(r)
		runs[i] = run{r["tool"], r["automationDetails"], r["originalUriBaseIds"], r["columnKind"], r["results"], r["invocations"]}
		for _, k := range []string{"tool", "automationDetails", "originalUriBaseIds", "columnKind", "results", "invocations"} {
			delete(r, k)
		}
		for k := range r {
			return nil, fmt.Errorf("sarif: internal error: run property %q is not written", k)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err = enc.Encode(struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []run  `json:"runs"`
	}{doc.Schema, doc.Version, runs})
	return buf.Bytes(), err
}

// defaults are properties, with their JSON values, that hold the SARIF
// default value, which go-sarif writes explicitly. Leaving them out changes
// no meaning, and the SARIF Multitool warns about "index": -1 (SARIF2004).
var defaults = map[string]string{
	"rank":             "-1",
	"index":            "-1",
	"byteOffset":       "-1",
	"charOffset":       "-1",
	"id":               "-1", // location.id; rule ids are strings
	"length":           "-1",
	"parentIndex":      "-1",
	"ruleIndex":        "-1",
	"enabled":          "true",
	"isComprehensive":  "false",
	"kind":             `"fail"`,
	"language":         `"en-US"`,
	"contents":         `["localizedData","nonLocalizedData"]`,
	"newlineSequences": `["\r\n","\n"]`,
}

// keep are properties written even when empty: GitHub requires results.
var keep = map[string]bool{"results": true}

// prune removes, in place, properties holding SARIF defaults, empty arrays
// and empty objects from a decoded JSON value. None of them is required by
// the schema, so the log stays valid.
func prune(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			prune(x)
			if keep[k] {
				continue
			}
			if isEmpty(x) {
				delete(v, k)
				continue
			}
			if d, ok := defaults[k]; ok {
				if b, err := json.Marshal(x); err == nil && string(b) == d {
					delete(v, k)
				}
			}
		}
	case []any:
		for _, x := range v {
			prune(x)
		}
	}
}

// isEmpty reports whether v is an empty JSON array or object.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}
