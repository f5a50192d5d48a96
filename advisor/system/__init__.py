"""What the command line and the app share with the operating system: writing the files a user
names, the standard streams as scripts leave them, and SIGTERM/SIGHUP handled like Ctrl-C."""
