package main

import (
	"encoding/json"
	"testing"
)

// chartReport is the part of the JSON report the chart tests read.
type chartReport struct {
	Errors   []json.RawMessage `json:"errors"`
	Findings []struct {
		Rule     string   `json:"rule"`
		Severity string   `json:"severity"`
		Variants []string `json:"variants"`
		Object   struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"object"`
		Message string `json:"message"`
	} `json:"findings"`
}

// hasVariant reports whether a finding with these variants occurs in variant
// v ("" is values.yaml); no variants means every variant has it.
func hasVariant(variants []string, v string) bool {
	if len(variants) == 0 {
		return true
	}
	for _, x := range variants {
		if x == v {
			return true
		}
	}
	return false
}

// TestRealisticCharts lints two production-style charts: their default
// values must lint clean of errors and warnings, and the webapp chart's
// deliberately insecure CI values must be caught.
func TestRealisticCharts(t *testing.T) {
	for _, tc := range []struct {
		chart   string
		variant string   // variant that must have the rules below
		want    []string // rules that variant must trigger
	}{
		{"charts/webapp", "ci/insecure-values.yaml", []string{"privileged-container", "host-network", "image-latest-tag"}},
		{"charts/database", "", nil},
	} {
		t.Run(tc.chart, func(t *testing.T) {
			dir := copyRepo(t, tc.chart)
			code, out, errs := run(t, "lint", "--format", "json", "--fail-on", "none", dir)
			if code != 0 {
				t.Fatalf("exit %d; stderr: %s", code, errs)
			}
			var rep chartReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, e := range rep.Errors {
				t.Errorf("render error: %s", e)
			}
			got := map[string]bool{}
			for _, f := range rep.Findings {
				if hasVariant(f.Variants, "") && (f.Severity == "error" || f.Severity == "warning") {
					t.Errorf("default values: %s %s %s/%s: %s", f.Severity, f.Rule, f.Object.Kind, f.Object.Name, f.Message)
				}
				if tc.variant != "" && hasVariant(f.Variants, tc.variant) {
					got[f.Rule] = true
				}
			}
			for _, r := range tc.want {
				if !got[r] {
					t.Errorf("%s has no %s finding", tc.variant, r)
				}
			}
		})
	}
}
