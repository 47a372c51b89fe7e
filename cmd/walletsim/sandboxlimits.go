package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/walletsim/walletsim/client/sandbox"
)

// limitOptions are the flags that bound what the sandbox keeps and how
// long and how much a client may take.
type limitOptions struct {
	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	workspaceIdle                                             time.Duration
	maxHeaderBytes, maxStoredBytes, maxWorkspaceBytes         byteSize
	maxConns                                                  int
}

// limitFlags name each limit's flag, its Config field, and its value as
// the command line gives it.
func (l *limitOptions) flags() []limitFlag {
	return []limitFlag{
		{"read-header-timeout", "ReadHeaderTimeout", func() (bool, string) { return l.readHeaderTimeout > 0, l.readHeaderTimeout.String() }},
		{"read-timeout", "ReadTimeout", func() (bool, string) { return l.readTimeout > 0, l.readTimeout.String() }},
		{"write-timeout", "WriteTimeout", func() (bool, string) { return l.writeTimeout > 0, l.writeTimeout.String() }},
		{"idle-timeout", "IdleTimeout", func() (bool, string) { return l.idleTimeout > 0, l.idleTimeout.String() }},
		{"max-header-bytes", "MaxHeaderBytes", func() (bool, string) { return l.maxHeaderBytes > 0, l.maxHeaderBytes.String() }},
		{"max-stored-bytes", "MaxStoredBytes", func() (bool, string) { return l.maxStoredBytes > 0, l.maxStoredBytes.String() }},
		{"max-workspace-bytes", "MaxWorkspaceBytes", func() (bool, string) { return l.maxWorkspaceBytes > 0, l.maxWorkspaceBytes.String() }},
		{"workspace-idle", "WorkspaceIdle", func() (bool, string) { return l.workspaceIdle > 0, l.workspaceIdle.String() }},
		{"max-conns", "MaxConns", func() (bool, string) { return l.maxConns > 0, strconv.Itoa(l.maxConns) }},
	}
}

type limitFlag struct {
	name, field string
	value       func() (positive bool, shown string)
}

func (l *limitOptions) register(f *pflag.FlagSet) {
	d := sandbox.Config{}.Defaults()
	f.DurationVar(&l.readHeaderTimeout, "read-header-timeout", d.ReadHeaderTimeout, "how long a client may take to send a request's headers")
	f.DurationVar(&l.readTimeout, "read-timeout", d.ReadTimeout, "how long a client may take to send a whole request")
	f.DurationVar(&l.writeTimeout, "write-timeout", d.WriteTimeout, "how long a client may take to read an answer, from the end of its request's headers (a latency fault adds its delay)")
	f.DurationVar(&l.idleTimeout, "idle-timeout", d.IdleTimeout, "how long an idle keep-alive connection is kept")
	l.maxHeaderBytes, l.maxStoredBytes, l.maxWorkspaceBytes = byteSize(d.MaxHeaderBytes), byteSize(d.MaxStoredBytes), byteSize(d.MaxWorkspaceBytes)
	f.Var(&l.maxHeaderBytes, "max-header-bytes", "the most a request's header block may take (more gets 431)")
	f.Var(&l.maxStoredBytes, "max-stored-bytes", "the most the sandbox keeps: enrollments, authentications, inbox messages (beyond it, 429)")
	f.Var(&l.maxWorkspaceBytes, "max-workspace-bytes", "the most one workspace keeps, within --max-stored-bytes (beyond it, 429)")
	f.DurationVar(&l.workspaceIdle, "workspace-idle", d.WorkspaceIdle, "how long a workspace may go unused before it is removed (never the default one)")
	f.IntVar(&l.maxConns, "max-conns", d.MaxConns, "connections open at once; a new client closes the oldest idle or slow one")
}

// apply sets the limits in cfg; on the command line 0 is no value anybody
// means (in a Config it is the default), so it is refused.
func (l *limitOptions) apply(cfg *sandbox.Config) error {
	for _, lf := range l.flags() {
		if ok, shown := lf.value(); !ok {
			return fmt.Errorf("invalid --%s %s: must be positive", lf.name, shown)
		}
	}
	cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout = l.readHeaderTimeout, l.readTimeout, l.writeTimeout, l.idleTimeout
	cfg.MaxHeaderBytes, cfg.MaxStoredBytes, cfg.MaxConns = int(min(l.maxHeaderBytes, 1<<30)), int64(l.maxStoredBytes), l.maxConns
	cfg.MaxWorkspaceBytes, cfg.WorkspaceIdle = int64(l.maxWorkspaceBytes), l.workspaceIdle
	return nil
}
