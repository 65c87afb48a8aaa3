package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/easel-app/easel/loadgen"
)

// pinnedEnv marks the generator's process once it runs on its CPUs.
const pinnedEnv = "EASEL_LOAD_CPUS"

// pinGenerator keeps the generator off the servers' CPUs: it executes
// itself again under taskset on the CPUs left (the same pid, before the
// runtime starts a thread, so every thread of the run inherits them;
// setting the affinity from here would move only the calling thread). It
// returns the generator's CPU list once pinned.
func pinGenerator(serverCPUs string) (string, error) {
	if cpus := os.Getenv(pinnedEnv); cpus != "" {
		return cpus, nil
	}
	allowed, err := loadgen.AllowedCPUs()
	if err != nil {
		return "", err
	}
	rest, err := loadgen.OtherCPUs(allowed, serverCPUs)
	if err != nil {
		return "", err
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return "", fmt.Errorf("-server-cpus needs taskset: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	cpus := loadgen.FormatCPUList(rest)
	argv := append([]string{"taskset", "-c", cpus, exe}, os.Args[1:]...)
	return "", syscall.Exec(taskset, argv, append(os.Environ(), pinnedEnv+"="+cpus))
}
