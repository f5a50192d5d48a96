"""What the command line and the app share with the operating system: writing the files a user
names, and SIGTERM/SIGHUP handled like Ctrl-C."""
