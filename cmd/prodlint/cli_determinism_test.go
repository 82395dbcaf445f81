package main

import (
	"fmt"
	"testing"
)

// TestDeterministicOutput runs the real binary on the example and bad
// repositories several times with one and with eight threads (GOMAXPROCS,
// and --jobs to match) and compares the text, JSON, SARIF and GitHub
// reports byte for byte: rendering in parallel, map iteration and
// scheduling must never show in a report, or code scanning would see
// alerts come and go between identical runs.
func TestDeterministicOutput(t *testing.T) {
	for _, repo := range []string{"example-repo", "bad-repo"} {
		for _, format := range []string{"text", "json", "sarif", "github"} {
			t.Run(repo+"/"+format, func(t *testing.T) {
				var first runResult
				var firstHow string
				for i, procs := range []int{1, 8, 1, 8, 8} {
					how := fmt.Sprintf("run %d with GOMAXPROCS=%d", i+1, procs)
					r := runBinary(t, ".", []string{fmt.Sprintf("GOMAXPROCS=%d", procs)}, nil,
						"lint", "--format", format, "--color", "never", "--jobs", fmt.Sprint(procs), "../../testdata/"+repo)
					if r.code != exitFindings && r.code != exitRender {
						t.Fatalf("%s: exit %d\n%s", how, r.code, r.stderr)
					}
					if i == 0 {
						first, firstHow = r, how
						if len(r.stdout) == 0 {
							t.Fatalf("%s: empty report", how)
						}
						continue
					}
					if r.code != first.code || r.stdout != first.stdout || r.stderr != first.stderr {
						t.Fatalf("%s differs from %s: exit %d vs %d\n%s", how, firstHow, r.code, first.code, whereDiffers(first.stdout+first.stderr, r.stdout+r.stderr))
					}
				}
			})
		}
	}
}

// whereDiffers shows where two outputs start to differ.
func whereDiffers(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return fmt.Sprintf("at byte %d:\n--- first\n%s\n--- this\n%s", i, a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
}
