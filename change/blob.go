package change

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// readBlob returns a blob's content. The caller holds r.mu.
//
// A blob missing from the object store (a partial clone made with
// --filter=blob:none, whose blobs are fetched on demand) is read with
// `git cat-file blob`, which fetches it from the promisor remote: go-git
// cannot fetch promised objects.
func (r *Repo) readBlob(h plumbing.Hash) ([]byte, error) {
	obj, err := r.repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err == nil {
		var rd io.ReadCloser
		if rd, err = obj.Reader(); err == nil {
			var data []byte
			data, err = io.ReadAll(rd)
			rd.Close()
			if err == nil {
				return data, nil
			}
		}
	}
	if !errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	return r.gitCLI(h, "cat-file", "blob", h.String())
}

// blobSize returns a blob's size without reading its content when the
// object store has it. The caller holds r.mu.
func (r *Repo) blobSize(h plumbing.Hash) (int64, error) {
	n, err := r.repo.Storer.EncodedObjectSize(h)
	if err == nil {
		return n, nil
	}
	if !errors.Is(err, plumbing.ErrObjectNotFound) {
		return 0, fmt.Errorf("reading the size of blob %s: %w", h, err)
	}
	out, err := r.gitCLI(h, "cat-file", "-s", h.String())
	if err != nil {
		return 0, err
	}
	n, err = strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("git cat-file -s %s: unexpected output %q", h, out)
	}
	return n, nil
}

// gitPath is the git executable used for objects go-git cannot read;
// tests replace it.
var gitPath = "git"

// gitTimeout bounds one git CLI call, which may fetch over the network.
const gitTimeout = 2 * time.Minute

// gitCLI runs git in the work tree for an object missing from the local
// store. Terminal prompts are disabled, so it never waits for a password,
// and the call is bounded by gitTimeout.
func (r *Repo) gitCLI(h plumbing.Hash, args ...string) ([]byte, error) {
	git, err := exec.LookPath(gitPath)
	if err != nil {
		return nil, fmt.Errorf("blob %s is not in the local object store (a partial clone?) and the git CLI, needed to fetch it, is not installed", h)
	}
	ctx, cancel := context.WithTimeout(bg, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, git, append([]string{"-C", r.root}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = strings.TrimSpace(msg[i+1:])
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("blob %s is not in the local object store and git could not fetch it (git %s): %s",
			h, strings.Join(args, " "), msg)
	}
	return stdout.Bytes(), nil
}
