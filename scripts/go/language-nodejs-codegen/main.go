// pulumi-language-nodejs, as the CLI runs it: the Node.js language host the module proxy
// serves (v3.68.0, built as pulumi-language-nodejs-v3.68.0 beside this binary) runs as a
// child, every LanguageRuntime RPC is forwarded to it byte for byte, and the code
// generation RPCs that host predates (GenerateProgram, GenerateProject, GeneratePackage,
// which `pulumi import`, `pulumi convert` and `pulumi package gen-sdk` call) are served here
// with pkg/v3's codegen/nodejs, the generator the newer upstream host uses, and the schema
// loader the engine offers at the request's loader_target.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// childName is the v3.68.0 host's file name in the directory of this binary.
const childName = "pulumi-language-nodejs-v3.68.0"

// sourceHash is set by scripts/toolchain.sh (-X main.sourceHash=...): which sources this is.
var sourceHash = "dev"

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (fulfillment codegen proxy %s): %v\n", sourceHash, err)
		os.Exit(1)
	}
}

func run() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	childPath := filepath.Join(filepath.Dir(self), childName)
	// The CLI's arguments (flags, then the engine's address) are the child's unchanged.
	child := exec.Command(childPath, os.Args[1:]...)
	child.Stderr = os.Stderr
	child.Stdin = nil
	stdout, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	if err := child.Start(); err != nil {
		return fmt.Errorf("starting %s (build it with scripts/toolchain.sh pulumi): %w", childPath, err)
	}
	stopChild := func() {
		if child.Process != nil {
			_ = child.Process.Signal(syscall.SIGTERM)
		}
	}
	defer stopChild()

	// Like every plugin, the child prints its port first.
	lines := bufio.NewReader(stdout)
	first, err := lines.ReadString('\n')
	if err != nil {
		return fmt.Errorf("%s did not print its port: %w", childName, err)
	}
	childPort := strings.TrimSpace(first)
	go func() { _, _ = lines.WriteTo(os.Stdout) }()

	conn, err := grpc.NewClient("127.0.0.1:"+childPort,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if err != nil {
		return err
	}
	defer conn.Close()

	server, port, err := serve(conn)
	if err != nil {
		return err
	}
	fmt.Printf("%d\n", port)

	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-exited:
		server.Stop()
		if err != nil {
			return fmt.Errorf("%s exited: %w", childName, err)
		}
		return nil
	case <-signals:
		server.Stop()
		return nil
	}
}

// maxMessage matches the engine's own limit for plugin messages (400 MiB).
const maxMessage = 400 * 1024 * 1024
