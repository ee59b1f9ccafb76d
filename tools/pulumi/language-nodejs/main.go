// A minimal Node.js language host (pulumi-language-nodejs) for the Pulumi CLI built in tools/pulumi.
//
// Upstream's host is its own module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3),
// which the module proxy reachable here does not serve; this one is written for this repository
// against the same sdk/v3 release as the CLI (docs/live-cluster.md). It runs what the repository needs:
//
//   - Run: node @pulumi/pulumi/cmd/run (resolved from the program directory, as `require` would)
//     with the engine's monitor address, project, stack, config and options (typescript, tsconfig,
//     nodeargs); exit code 32 means the program already reported its error (Bail).
//   - RunPlugin: policy packs (kind analyzer) through @pulumi/pulumi/cmd/run-policy-pack, behind
//     sdk/v3's PolicyProxy, which hands the pack the stack configuration; other plugins through
//     @pulumi/pulumi/cmd/run-plugin.
//   - GetRequiredPackages: the resource plugins that node_modules packages declare ("pulumi":
//     {"resource": true, ...} in package.json), top level and scoped.
//   - GetPluginInfo, Cancel. Everything else (InstallDependencies, code generation, Pack, Link,
//     About, debugging, bun) answers Unimplemented: install node_modules with npm yourself.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// hostVersion is stamped by tools/pulumi/tool.env: the sdk/v3 release it is built with, plus "+agentaskit".
var hostVersion = "0.0.0+agentaskit"

// Exit code of @pulumi/pulumi/cmd/run after it has shown the user an actionable error.
const exitAfterReportedError = 32

func main() {
	tracing := flag.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	showVersion := flag.Bool("version", false, "print the version and exit")
	// The engine passes these when it flows its logging settings to plugins.
	if flag.Lookup("logtostderr") == nil {
		flag.Bool("logtostderr", false, "log to stderr")
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "log verbosity")
	}
	flag.Parse()
	if *showVersion {
		fmt.Println(hostVersion)
		return
	}
	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-nodejs", "pulumi-language-nodejs", *tracing)

	var engineAddress string
	if flag.NArg() > 0 {
		engineAddress = flag.Arg(0)
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(stop)
	}()
	if engineAddress != "" {
		// Exit when the engine goes away.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}

	cmdCtx, cancelCmds := context.WithCancel(context.Background())
	host := &nodeHost{engineAddress: engineAddress, tracing: *tracing, cmdCtx: cmdCtx, cancelCmds: cancelCmds}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host's RPC server: %w", err))
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC server stopped: %w", err))
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string
	cmdCtx        context.Context // cancelled by the Cancel RPC: interrupts running programs
	cancelCmds    context.CancelFunc
}

type nodeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

// parseOptions reads Pulumi.yaml's runtime.options; typescript defaults to true, as upstream.
func parseOptions(info *pulumirpc.ProgramInfo) (nodeOptions, error) {
	opts := nodeOptions{typescript: true}
	if info == nil || info.Options == nil {
		return opts, nil
	}
	for k, v := range info.Options.AsMap() {
		var ok bool
		switch k {
		case "typescript":
			opts.typescript, ok = v.(bool)
		case "tsconfig":
			opts.tsconfig, ok = v.(string)
		case "nodeargs":
			var s string
			s, ok = v.(string)
			opts.nodeargs = strings.Fields(s) // no shell quoting
		default:
			ok = true // packagemanager etc.: only InstallDependencies uses them
		}
		if !ok {
			return opts, fmt.Errorf("runtime option %q has the wrong type (%T)", k, v)
		}
	}
	return opts, nil
}

func (o nodeOptions) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolve finds module as node's require.resolve does from dir (so from dir's node_modules).
func resolve(node, dir, module string) (string, error) {
	notFound := fmt.Sprintf("cannot find %s from %s: install the program's node_modules (npm ci)", module, dir)
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)) } catch (e) { console.error(e.code === 'MODULE_NOT_FOUND' ? %q : e.message); process.exit(1) }`,
		module, notFound)
	cmd := exec.Command(node, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// command is exec.CommandContext, interrupted (then killed after 5s) on ctx or the Cancel RPC.
func (h *nodeHost) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(h.cmdCtx, cancel)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	fail := func(err error) (*pulumirpc.RunResponse, error) {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	info := req.GetInfo()
	if info == nil {
		return fail(errors.New("the engine sent no program info (the CLI is older than this host supports)"))
	}
	opts, err := parseOptions(info)
	if err != nil {
		return fail(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fail(fmt.Errorf("could not find node on the $PATH: %w", err))
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	if runPath, err = resolve(node, info.ProgramDirectory, runPath); err != nil {
		return fail(err)
	}

	// The runtime reads config keys in the old "<namespace>:config:<name>" form as well as the new.
	cfg := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return fail(err)
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return fail(err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return fail(err)
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.RootDirectory)
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	flagArg("tracing", h.tracing)
	args = append(args, info.EntryPoint)
	args = append(args, req.GetArgs()...)

	cmd := h.command(ctx, node, args...)
	cmd.Env = append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	cmd.Env = append(cmd.Env, opts.env()...)
	// The engine shows this process's output. (Node may switch its stdio to non-blocking mode, so
	// it gets pipes copied by Go rather than our file descriptors.)
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}
	logging.V(5).Infof("pulumi-language-nodejs: running %v", cmd)
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &ee) && ee.ExitCode() == exitAfterReportedError:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		return fail(fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode()))
	case errors.As(err, &ee):
		return fail(fmt.Errorf("Program exited unexpectedly: %w", err))
	default:
		return fail(fmt.Errorf("could not run node: %w", err))
	}
}

func (h *nodeHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	if info == nil {
		return errors.New("the engine sent no plugin info")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	policy := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := "@pulumi/pulumi/cmd/run-plugin"
	if policy {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolve(node, info.ProgramDirectory, module)
	if err != nil {
		return err
	}
	args := append([]string{runPath}, opts.nodeargs...)
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)

	var proxy *sdk.PolicyProxy
	if policy {
		// A policy pack takes the engine address and then its directory; it runs in its directory.
		args = append(append(args, req.GetArgs()...), info.ProgramDirectory)
		// The engine first sends the stack configuration to the "analyzer" it started (this
		// proxy), which becomes the pack's environment; then the proxy forwards to the pack.
		if proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout); err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration: %w", err)
		}
		if stack != nil {
			add := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			add("PULUMI_NODEJS_ORGANIZATION", stack.Organization)
			add("PULUMI_NODEJS_PROJECT", stack.Project)
			add("PULUMI_NODEJS_STACK", stack.Stack)
			add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.DryRun))
			if stack.Config != nil {
				cfg, err := json.Marshal(stack.Config)
				if err != nil {
					return err
				}
				add("PULUMI_CONFIG", string(cfg))
			}
		}
	} else {
		args = append(append(args, info.ProgramDirectory), req.GetArgs()...)
	}

	cmd := h.command(ctx, node, args...)
	cmd.Dir = req.GetPwd()
	if policy {
		cmd.Dir = info.ProgramDirectory
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("pulumi-language-nodejs: running plugin %v", cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		// Reads the pack's port from its stdout, then proxies the engine's calls to it.
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach to the policy pack: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
		}
		return err
	}
	return closer.Close()
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func (h *nodeHost) GetRequiredPackages(ctx context.Context,
	req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := filepath.Join(req.GetInfo().GetProgramDirectory(), "node_modules")
	var dirs []string
	entries, _ := os.ReadDir(dir) // no node_modules: no packages
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "@") {
			scoped, _ := os.ReadDir(filepath.Join(dir, name))
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(dir, name, s.Name()))
			}
		} else if !strings.HasPrefix(name, ".") {
			dirs = append(dirs, filepath.Join(dir, name))
		}
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	seen := map[string]bool{}
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var pkg packageJSON
		if json.Unmarshal(data, &pkg) != nil || pkg.Pulumi == nil || !pkg.Pulumi.Resource {
			continue
		}
		name, ver := pkg.Pulumi.Name, pkg.Pulumi.Version
		if name == "" {
			name = strings.TrimPrefix(pkg.Name, "@pulumi/")
		}
		if ver == "" {
			ver = pkg.Version
		}
		if key := name + "@" + ver; !seen[key] {
			seen[key] = true
			resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
				Name: name, Kind: string(apitype.ResourcePlugin), Version: ver, Server: pkg.Pulumi.Server,
			})
		}
	}
	return resp, nil
}

func (h *nodeHost) GetRequiredPlugins(ctx context.Context,
	req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: req.GetInfo()})
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range pkgs.Packages {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return resp, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: hostVersion}, nil
}

func (h *nodeHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelCmds()
	return &emptypb.Empty{}, nil
}
