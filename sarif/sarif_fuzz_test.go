package sarif

import (
	"bytes"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

// FuzzWrite builds lint results from arbitrary text and numbers (file paths,
// messages, object names, positions, variants, suppressions, render errors,
// notes, version and category), writes them with Write, which validates the
// log with go-sarif against the SARIF 2.1.0 schema first, and reads the log
// back with go-sarif. Whatever ends up in a finding, prodlint must write a
// valid log (the CLI would otherwise exit 3 with no report), and every
// result must keep its rule, level, file, start line and fingerprint.
//
// Seeds: testdata/fuzz/FuzzWrite. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzWrite$' -fuzztime 5m ./sarif
func FuzzWrite(f *testing.F) {
	f.Add(uint8(0), uint8(1), "charts/web/templates/deployment.yaml", 12, 7, 12, 20, "Deployment", "web", "shop", "runs as root", "web", "ci/prod-values.yaml", "", "", "v1.2.3", "prodlint")
	f.Add(uint8(3), uint8(2), "deploy/a b/ü:x%2F#?.yaml", 0, -3, 0, 0, "", "", "", "", "", "", "pre-install", "vendored -- reason", "dev", "")
	f.Add(uint8(7), uint8(3), "/abs/path.yaml", 1<<30, 1<<30, -1, 1, "K", "n\x00\xff", "ns", "\u202e msg\r\n", "c", "", "test", "\xff", "0.0.0-", "a/b/")
	f.Add(uint8(200), uint8(0), "", 1, 1, 1, 1, "Pod", "p", "", "", "", "values.yaml", "", "", "", "x")
	f.Fuzz(func(t *testing.T, ruleN, sev uint8, file string, line, col, endLine, endCol int,
		kind, name, ns, msg, container, variant, hook, justification, version, category string) {
		rules := lint.Rules()
		rule := rules[int(ruleN)%len(rules)]
		loc := render.Location{File: file, Line: line, Col: col, EndLine: endLine, EndCol: endCol}
		fd := lint.Finding{
			Rule: rule.ID, Severity: lint.Severity(sev % 4), Message: msg,
			Target: file, TargetKind: render.Helm, Variants: []string{variant, ""},
			Object:    lint.ObjectRef{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name},
			Container: container, Path: "spec." + name, Hook: hook, Location: loc, Fingerprint: name + msg,
		}
		sup := fd
		sup.Suppressed = &lint.Suppression{Kind: "inSource", Justification: justification, Location: loc}
		res := &lint.Result{
			Findings: []lint.Finding{fd, sup},
			Errors: []*lint.TargetError{
				{Target: render.Target{Kind: render.Kustomize, Dir: file}, Variant: variant, Err: &render.FileError{File: file, Line: line, Err: errString(msg)}},
				{Target: render.Target{Kind: render.Plain, Dir: name}, Err: errString(justification)},
			},
			Notes: []string{msg, hook},
		}
		for _, incl := range []bool{false, true} {
			var buf bytes.Buffer
			if err := Write(&buf, res, Options{Version: version, Category: category, IncludeSuppressed: incl}); err != nil {
				t.Fatalf("Write: %v", err)
			}
			// Write validates the log with go-sarif's Validate (the SARIF
			// 2.1.0 schema) before it writes anything: an error above is an
			// invalid log. Reading the bytes back and validating them again is
			// not possible: go-sarif's types do not survive a JSON round trip
			// (they write "" and [] for the defaults Write leaves out, which
			// the schema rejects).
			rep, err := sarif.FromBytes(buf.Bytes())
			if err != nil {
				t.Fatalf("not SARIF: %v\n%s", err, buf.Bytes())
			}
			if len(rep.Runs) != 1 {
				t.Fatalf("%d runs", len(rep.Runs))
			}
			run := rep.Runs[0]
			want := 1
			if incl {
				want = 2
			}
			if len(run.Results) != want {
				t.Fatalf("%d results, want %d", len(run.Results), want)
			}
			norm := loc.Normalize()
			for _, r := range run.Results {
				if r.RuleID == nil || *r.RuleID != rule.ID || r.Level != level(fd.Severity) {
					t.Fatalf("rule %v level %v, want %s %s", r.RuleID, r.Level, rule.ID, level(fd.Severity))
				}
				if r.PartialFingerprints["primaryLocationLineHash"] != fd.Fingerprint+":1" && utf8.ValidString(fd.Fingerprint) {
					t.Fatalf("fingerprint %q, want %q", r.PartialFingerprints["primaryLocationLineHash"], fd.Fingerprint+":1")
				}
				if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation == nil {
					t.Fatalf("result without a physical location")
				}
				pl := r.Locations[0].PhysicalLocation
				if pl.Region == nil || pl.Region.StartLine == nil || *pl.Region.StartLine != norm.Line {
					t.Fatalf("region %+v, want start line %d", pl.Region, norm.Line)
				}
				if pl.ArtifactLocation == nil || pl.ArtifactLocation.URI == nil {
					t.Fatalf("no artifact URI")
				}
				uri := *pl.ArtifactLocation.URI
				u, err := url.Parse(uri)
				if err != nil {
					t.Fatalf("artifact URI %q: %v", uri, err)
				}
				if got := u.Path; utf8.ValidString(file) && u.Scheme == "" && got != file {
					t.Fatalf("artifact URI %q reads as %q, want %q", uri, got, file)
				}
			}
		}
	})
}

type errString string

func (e errString) Error() string { return string(e) }
