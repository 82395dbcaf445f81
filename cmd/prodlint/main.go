// Command prodlint lints Kubernetes manifests, Helm charts and kustomizations
// for production readiness.
//
// Usage:
//
//	prodlint lint [flags] [PATH]
//	prodlint rules
//	prodlint explain RULE
//	prodlint version
//
// Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
// 2 usage or configuration error; 3 a target could not be rendered or read.
package main

import (
	"bufio"
	"io"
	"log"
	"os"
	"strings"

	"github.com/prodlint/prodlint/render/kustomize"
)

func main() {
	// No network, ever: kustomize would fetch remote bases over HTTP or git.
	kustomize.GuardNetwork()
	stderr, wait := filterLibraryNoise()
	code := Main(os.Args[1:], os.Stdout, stderr)
	wait()
	os.Exit(code)
}

// filterLibraryNoise keeps libraries from writing to the user's terminal:
// kustomize prints deprecation warnings straight to os.Stderr on every load
// (prodlint reports what matters itself), and some libraries log. It returns
// the real standard error for prodlint's own messages and a function that
// flushes the filter.
func filterLibraryNoise() (io.Writer, func()) {
	real := os.Stderr
	log.SetOutput(io.Discard)
	r, w, err := os.Pipe()
	if err != nil {
		return real, func() {}
	}
	os.Stderr = w
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "# Warning: '") {
				continue
			}
			real.WriteString(line + "\n")
		}
	}()
	return real, func() {
		w.Close()
		<-done
	}
}
