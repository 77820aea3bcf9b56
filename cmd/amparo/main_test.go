package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestMain is the package's only one: cmd/amparo tests of every domain
// share it.
func TestMain(m *testing.M) { storetest.Main(m) }

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds amparo once for the tests that run it as a user would.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "amparo-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "amparo")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// amparo runs the binary and returns stdout, stderr and the exit code.
func amparo(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func mustAmparo(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errs, code := amparo(t, stdin, args...)
	if code != 0 {
		t.Fatalf("amparo %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// server is a running `amparo serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	logs *bytes.Buffer
	done chan error
}

func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", addr}, args...)...)
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, logs: logs, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-s.done })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("server exited: %v\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become healthy\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) get(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "GET", s.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Fatalf("server did not exit cleanly: %v\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not stop\n%s", s.logs)
	}
}

func TestDemoOrder(t *testing.T) {
	noop := func(context.Context, *store.DB) error { return nil }
	tests := []struct {
		name    string
		in      []demoSeeder
		want    string
		wantErr string
	}{
		{"name order without dependencies", []demoSeeder{{"b", nil, noop}, {"a", nil, noop}}, "a b", ""},
		{"a dependency comes first", []demoSeeder{{"aid", []string{"indicators"}, noop}, {"indicators", nil, noop}, {"children", nil, noop}}, "indicators aid children", ""},
		{"chains", []demoSeeder{{"a", []string{"b"}, noop}, {"b", []string{"c"}, noop}, {"c", nil, noop}}, "c b a", ""},
		{"unknown dependency", []demoSeeder{{"a", []string{"zz"}, noop}}, "", `needs seeder "zz"`},
		{"cycle", []demoSeeder{{"a", []string{"b"}, noop}, {"b", []string{"a"}, noop}}, "", "cycle: a -> b -> a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := demoOrder(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range got {
				names = append(names, d.name)
			}
			if strings.Join(names, " ") != tt.want {
				t.Errorf("order %v, want %s", names, tt.want)
			}
		})
	}
	// The registered seeders themselves are in a valid order.
	if _, err := demoOrder(demoSeeders); err != nil {
		t.Fatal(err)
	}
}

// TestUsersRefusals: each users subcommand takes only its own flags and
// says which one is missing; none of these touches the database.
func TestUsersRefusals(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"users", "--data"}, `unknown subcommand "--data"`},
		{[]string{"users", "remove"}, `unknown subcommand "remove"`},
		{[]string{"users", "add", "--role", "admin"}, "--email is required"},
		{[]string{"users", "add", "--email", "a@example.org"}, "--role is required"},
		{[]string{"users", "add", "--email", "a@example.org", "--role", "chief"}, "unknown role"},
		{[]string{"users", "list", "--email", "a@example.org"}, "flag provided but not defined: -email"},
		{[]string{"users", "disable", "--role", "admin", "--email", "a@example.org"}, "flag provided but not defined: -role"},
		{[]string{"users", "enable"}, "--email is required"},
		// Bytes that are not UTF-8 were stored as they came on SQLite.
		{[]string{"users", "add", "--email", "a\xffb@example.org", "--role", "admin"}, "--email: not UTF-8 text"},
		{[]string{"facilities", "add", "--name", "Casa\xe1", "--type", "shelter", "--tz", "America/Chicago", "--beds", "F:13-17:5"}, "--name: not UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, code := amparo(t, "", append(tt.args, "--data", data)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(data, "amparo.db")); err == nil {
		t.Error("a refused command created the database")
	}
}
