package lint

import (
	"errors"
	"testing"
	"time"

	"github.com/prodlint/prodlint/render"
)

// FuzzParseSettings parses arbitrary .prodlint.yaml content. It must never
// panic; an error must be a *render.FileError naming the file (the CLI turns it
// into a usage error, exit 2); accepted settings must answer every question
// the CLI asks of them.
//
// Seeds: testdata/fuzz/FuzzParseSettings. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzParseSettings$' -fuzztime 5m ./lint
func FuzzParseSettings(f *testing.F) {
	for _, s := range []string{
		"kubeVersion: \"1.33\"\napiVersions: [monitoring.coreos.com/v1]\nrules:\n  default-service-account: off\n  missing-cpu-limit: warning\nexclude:\n  - legacy/**\n  - '*.tmp.yaml'\ncharts:\n  charts/web:\n    valuesFiles: [values-prod.yaml]\n    releaseName: web\n    namespace: shop\n",
		"workloads:\n  - apiVersion: fuzz.example.com/v1\n    kind: Worker\n    podTemplate: spec.template\n",
		"rules: {host-network: bogus}\n",
		"rules: {no-such-rule: on}\n",
		"exclude: ['[a-z]', '', '**/', './x/**/y?']\n",
		"charts: {/abs: {}, ../up: {}}\n",
		"kubeVersion: 2.0\n",
		"unknown: 1\n",
		"a: &a [*a]\n",
		"",
		"---\n---\n",
		"rules: [1, 2]\nexclude: {a: b}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 16<<10 {
			return
		}
		start := time.Now()
		s, err := ParseSettings(".prodlint.yaml", b)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("ParseSettings took %s on %d bytes", d, len(b))
		}
		if err != nil {
			var ce *render.FileError
			if !errors.As(err, &ce) || ce.File != ".prodlint.yaml" {
				t.Fatalf("ParseSettings error %v (%T): want a *render.FileError", err, err)
			}
			return
		}
		s.EnabledRules()
		s.ChartNames()
		for _, p := range []string{"legacy/a.yaml", "a", "", "x/y/z.tmp.yaml", "../a"} {
			s.Excluded(p)
		}
	})
}
