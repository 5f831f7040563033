// Preloaded (node --import) into a child forked with an IPC channel: the child exits when its parent
// goes, even when the parent was killed outright (SIGKILL closes the channel too), so no server is
// left behind holding a port.
process.on("disconnect", () => process.exit(0));
