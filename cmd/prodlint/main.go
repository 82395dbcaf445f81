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
	"os"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}
