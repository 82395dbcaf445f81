package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"
)

// TestShardsUnionEqualsFullRun lints the example and broken repositories in
// N shards and checks that the shards' findings and errors together are
// exactly those of one unsharded run, and that every target is in one shard.
func TestShardsUnionEqualsFullRun(t *testing.T) {
	type report struct {
		Targets  []json.RawMessage `json:"targets"`
		Findings []json.RawMessage `json:"findings"`
		Errors   []json.RawMessage `json:"errors"`
	}
	lint := func(dir string, args ...string) report {
		_, out, errs := run(t, append(append([]string{"lint", "--format", "json"}, args...), dir)...)
		var r report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s %s", err, out, errs)
		}
		return r
	}
	strs := func(ms []json.RawMessage) []string {
		var s []string
		for _, m := range ms {
			s = append(s, string(m))
		}
		sort.Strings(s)
		return s
	}
	for _, repo := range []string{"example-repo", "bad-repo"} {
		dir := copyRepo(t, repo)
		full := lint(dir)
		for _, n := range []int{1, 2, 3, 5} {
			var union report
			for i := 1; i <= n; i++ {
				r := lint(dir, "--shard", fmt.Sprintf("%d/%d", i, n))
				union.Targets = append(union.Targets, r.Targets...)
				union.Findings = append(union.Findings, r.Findings...)
				union.Errors = append(union.Errors, r.Errors...)
			}
			for what, pair := range map[string][2][]string{
				"targets":  {strs(full.Targets), strs(union.Targets)},
				"findings": {strs(full.Findings), strs(union.Findings)},
				"errors":   {strs(full.Errors), strs(union.Errors)},
			} {
				if fmt.Sprint(pair[0]) != fmt.Sprint(pair[1]) {
					t.Errorf("%s, %d shards: %s differ: full %d, union %d", repo, n, what, len(pair[0]), len(pair[1]))
				}
			}
		}
	}
	if code, _, errs := run(t, "lint", "--shard", "4/3", "."); code != 2 {
		t.Errorf("--shard 4/3: exit %d %s", code, errs)
	}
}
