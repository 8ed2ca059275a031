# The spawn launcher: a small process that starts agent processes for the executor.
#
# Why a separate process, and why Perl: fork() costs in proportion to the parent's memory,
# and libuv's spawn blocks the calling loop until the child has called exec. From the
# executor (a Node process of 60 MB or more) a spawn costs a millisecond or more and
# stalls NATS traffic meanwhile; from a Node helper it still costs about a millisecond, and
# one helper spawns one agent at a time. This process is a few megabytes: a fork costs a
# tenth of that, and it does not wait for exec, so spawns overlap; one child forked ahead
# of time takes even the fork off the dispatch path. Perl because perl-base
# is part of every Debian and Ubuntu system (and the executor image), with fork, exec,
# setsid and setuid built in. It uses only modules from perl-base.
#
# When the executor goes away (even by kill -9) our stdin reaches EOF and every process
# group started here is killed: no agent outlives its executor.
#
# Protocol: frames of a 32-bit big-endian length and a payload of NUL-separated fields,
# the first naming the operation (NUL cannot occur in argv or the environment; a data
# field comes last and is taken whole).
#   executor → launcher
#     S id stdin uid gid cwd argc argv... env...   start (stdin "1" for a pipe; uid and gid
#                                                  may be empty: keep ours)
#     I id data                                    bytes for the process's stdin
#     E id                                         end of its stdin
#   launcher → executor
#     R                                            ready
#     P id pid ms                                  exec succeeded, seen at ms (CLOCK_REALTIME
#                                                  in ms, or empty where we cannot read it)
#     X id message                                 could not start (nothing else follows)
#     O id fd data                                 output on fd 1 or 2
#     C id fd                                      fd 1 or 2 closed
#     Z id code signal                             exited (one of code, signal is empty)
use strict;
use warnings;
use POSIX ();
use Fcntl ();

my $SYS_PIDFD_OPEN = 434;    # the same number on every architecture Linux added it to

binmode STDIN;
binmode STDOUT;
# Signals meant for the executor's process group are the executor's to act on; it closes
# our stdin when it is done. Handlers, not SIG_IGN: exec resets handlers to the default,
# so a child has nothing to undo between fork and exec (and every step there counts).
$SIG{$_} = sub { } for qw(TERM INT HUP PIPE);
my $sigchld = 0;
$SIG{CHLD} = sub { $sigchld = 1 };
open(my $devnull, '<', '/dev/null') or die "launcher: /dev/null: $!\n";

my %kids;       # id => kid
my %by_pid;     # pid => kid
my %by_fileno;  # fileno => [role, kid, fd]
# select() bit vectors: descriptors we read from (our stdin, agents' output, status pipes,
# pidfds) and agents' stdin pipes with bytes still to write.
my $readers = '';
my $writers = '';
vec($readers, 0, 1) = 1;
my $from_executor = '';

# Frames wait here until the loop has handled everything select reported: the exec
# result, output and exit of a short process go to the executor in one write.
my $to_executor = '';

# The time, for the moment exec is seen to have succeeded: CLOCK_REALTIME in ms, the clock
# of the executor and of NATS's message timestamps. perl-base has no Time::HiRes, so
# clock_gettime(2) by its system call number, known for the architectures we run on.
my %CLOCK_GETTIME = (x86_64 => 228, aarch64 => 113);
my $clock_gettime = $CLOCK_GETTIME{ (POSIX::uname())[4] };

sub now_ms {
    return '' unless defined $clock_gettime;
    my $ts = "\0" x 16;
    return '' unless syscall($clock_gettime, 0, $ts) == 0;
    my ($sec, $nsec) = unpack('q q', $ts);
    return sprintf('%.3f', $sec * 1000 + $nsec / 1e6);
}

sub send_frame {
    my $payload = join("\0", @_);
    $to_executor .= pack('N', length $payload) . $payload;
}

sub flush_frames {
    while (length $to_executor) {
        my $n = syswrite(STDOUT, $to_executor);
        if (!defined $n) {
            next if $!{EINTR} || $!{EAGAIN};
            shutdown_all();    # the executor is gone
        }
        substr($to_executor, 0, $n, '');
    }
}

sub watch {
    my ($fh, $role, $kid, $fd) = @_;
    $by_fileno{fileno $fh} = [$role, $kid, $fd, $fh];
    vec($readers, fileno $fh, 1) = 1;
}

sub unwatch {
    my ($fh) = @_;
    my $n = fileno $fh;
    delete $by_fileno{$n};
    vec($readers, $n, 1) = 0;
    vec($writers, $n, 1) = 0;
    close $fh;
}

# In a child: its own session, and its output on the pipes the launcher reads.
sub attach {
    my ($out_w, $err_w) = @_;
    defined POSIX::setsid() or die "setsid: $!\n";
    defined POSIX::dup2(fileno $out_w, 1) or die "stdout: $!\n";
    defined POSIX::dup2(fileno $err_w, 2) or die "stderr: $!\n";
}

# In the child, between fork and exec: never returns. Kept to a few system calls: until
# exec, every page this process writes is copied from the launcher's. `$attached`: a
# spare has called attach() already, and says why it failed if it did.
sub become {
    my ($status_w, $in_r, $out_w, $err_w, $uid, $gid, $cwd, $argv, $attached) = @_;
    eval {
        if (defined $attached) {
            die $attached if $attached ne '';
        } else {
            attach($out_w, $err_w);
        }
        defined POSIX::dup2(fileno($in_r // $devnull), 0) or die "stdin: $!\n";
        chdir($cwd) or die "cannot enter $cwd: $!\n";
        if ($gid ne '') {
            # supplementary groups: just the task's own; then real, effective and saved gid
            $) = "$gid $gid";
            POSIX::setgid($gid) or die "setgid $gid: $!\n";
            my ($real) = split ' ', $(;
            my ($effective, @groups) = split ' ', $);
            die "setgid $gid did not take\n"
                if $real != $gid || $effective != $gid || grep { $_ != $gid } @groups;
        }
        if ($uid ne '') {
            POSIX::setuid($uid) or die "setuid $uid: $!\n";
            die "setuid $uid did not take\n" if $< != $uid || $> != $uid;
        }
        { no warnings 'exec'; exec { $argv->[0] } @$argv; }
        my $errno = $! + 0;
        my ($name) = grep { $!{$_} } keys %!;
        die "cannot run $argv->[0]: $!" . ($name ? " ($name)" : " (errno $errno)") . "\n";
    };
    my $why = $@ || "exec failed\n";
    $why =~ s/\n+\z//;
    syswrite($status_w, $why);
    POSIX::_exit(127);
}

# Makes %ENV (and so the environment exec passes on) exactly these NAME=value pairs.
sub set_env {
    %ENV = ();
    for my $pair (@_) {
        my ($k, $v) = split /=/, $pair, 2;
        $ENV{$k} = $v if defined $v;
    }
}

# A child forked ahead of time, waiting on its own pipe for what to run: taking it spares
# the dispatch path a fork. Made again after each use, once the launcher has been idle
# for a moment (forking while the last one execs would slow both).
my $spare;
my $spare_due = 0;

# What a spare does with a frame, done once with a made-up one before it waits: the pages
# that work writes (Perl's stacks and allocator, the environment) are copied from the
# launcher's then, and not between the frame's arrival and exec, where each copy costs
# a page fault (a third of the time from frame to exec, measured).
my $REHEARSAL = join("\0", '0', '', '', '/', 1, 'true',
    map({ "NIGHTSHIFT_REHEARSAL_$_=" . ('x' x 64) } 1 .. 32));

sub spare_frame {
    my ($payload) = @_;
    my ($stdin, $uid, $gid, $cwd, $argc, @rest) = split /\0/, $payload, -1;
    my @argv = splice(@rest, 0, $argc);
    set_env(@rest);
    return ($stdin, $uid, $gid, $cwd, \@argv);
}

sub make_spare {
    my ($ctl_r, $ctl_w, $status_r, $status_w, $out_r, $out_w, $err_r, $err_w, $in_r, $in_w);
    unless (pipe($ctl_r, $ctl_w) && pipe($status_r, $status_w) && pipe($out_r, $out_w)
        && pipe($err_r, $err_w) && pipe($in_r, $in_w)) {
        close $_ for grep { defined } ($ctl_r, $ctl_w, $status_r, $status_w, $out_r, $out_w, $err_r, $err_w, $in_r, $in_w);
        return;
    }
    my $pid = fork();
    if (!defined $pid) {
        close $_ for ($ctl_r, $ctl_w, $status_r, $status_w, $out_r, $out_w, $err_r, $err_w, $in_r, $in_w);
        return;
    }
    if ($pid == 0) {
        # Our copies of other agents' pipes would keep their stdin open and their output
        # unfinished while we wait: close them (and the launcher's ends of ours).
        POSIX::close($_) for keys %by_fileno;
        close $_ for ($ctl_w, $status_r, $out_r, $err_r, $in_w);
        # and the executor's pipes (the agent's take their place)
        POSIX::close($_) for 0, 1;
        my $attached = eval { attach($out_w, $err_w); '' } // ($@ || "attach failed\n");
        spare_frame($REHEARSAL);
        %ENV = ();
        my $frame = '';
        while (length($frame) < 4 || length($frame) < 4 + unpack('N', $frame)) {
            my $n = sysread($ctl_r, $frame, 65536, length $frame);
            next if !defined $n && $!{EINTR};
            POSIX::_exit(0) if !$n;    # the launcher is gone, or let us go
        }
        my ($stdin, $uid, $gid, $cwd, $argv) = spare_frame(substr($frame, 4));
        become($status_w, $stdin eq '1' ? $in_r : undef, $out_w, $err_w, $uid, $gid, $cwd, $argv,
            $attached);
    }
    close $_ for ($ctl_r, $status_w, $out_w, $err_w, $in_r);
    $spare = { pid => $pid, ctl => $ctl_w, status => $status_r, out => $out_r, err => $err_r, in => $in_w };
}

sub start {
    my ($id, $stdin, $uid, $gid, $cwd, $argc, @rest) = @_;
    return send_frame('X', $id, 'empty argv') unless $argc > 0;
    my $kid = { id => $id, open => 2, inbuf => '' };
    my ($status_r, $out_r, $err_r, $in_w, $pid);
    if (my $s = $spare) {
        undef $spare;
        my $payload = join("\0", $stdin, $uid, $gid, $cwd, $argc, @rest);
        my $frame = pack('N', length $payload) . $payload;
        my $off = 0;
        while ($off < length $frame) {
            my $n = syswrite($s->{ctl}, $frame, length($frame) - $off, $off);
            if (!defined $n) {
                next if $!{EINTR};
                last;
            }
            $off += $n;
        }
        close $s->{ctl};
        if ($off == length $frame) {
            ($pid, $status_r, $out_r, $err_r) = @$s{qw(pid status out err)};
            if ($stdin eq '1') {
                $in_w = $s->{in};
            } else {
                close $s->{in};
            }
        } else {
            # the spare died waiting: start this one the usual way
            close $_ for @$s{qw(status out err in)};
        }
    }
    unless (defined $pid) {
        my @argv = splice(@rest, 0, $argc);
        my ($status_w, $out_w, $err_w, $in_r);
        # pipe() marks both ends close-on-exec (they are above $^F): the status pipe's write
        # end closes when exec succeeds, which is how we learn that it did.
        unless (pipe($status_r, $status_w) && pipe($out_r, $out_w) && pipe($err_r, $err_w)
            && ($stdin ne '1' || pipe($in_r, $in_w))) {
            return send_frame('X', $id, "pipe: $!");
        }
        # The child's environment, set here rather than in the child (our own is unused;
        # the executor started us with an empty one).
        set_env(@rest);
        $pid = fork();
        if (!defined $pid) {
            my $err = "fork: $!";
            close $_ for grep { defined } ($status_r, $status_w, $out_r, $out_w, $err_r, $err_w, $in_r, $in_w);
            return send_frame('X', $id, $err);
        }
        become($status_w, $in_r, $out_w, $err_w, $uid, $gid, $cwd, \@argv) if $pid == 0;
        close $_ for grep { defined } ($status_w, $out_w, $err_w, $in_r);
        %ENV = ();
    }
    $kid->{pid} = $pid;
    $kids{$id} = $kid;
    $by_pid{$pid} = $kid;
    watch($status_r, 'status', $kid);
    $kid->{status} = $status_r;
    watch($out_r, 'out', $kid, 1);
    watch($err_r, 'out', $kid, 2);
    if ($in_w) {
        my $flags = fcntl($in_w, Fcntl::F_GETFL(), 0);
        fcntl($in_w, Fcntl::F_SETFL(), $flags | Fcntl::O_NONBLOCK());
        $kid->{stdin} = $in_w;
        $by_fileno{fileno $in_w} = ['stdin', $kid, undef, $in_w];
    }
    # A pidfd turns the child's exit into a readable descriptor: no signal race.
    my $pidfd = syscall($SYS_PIDFD_OPEN, $pid + 0, 0);
    if ($pidfd >= 0 && open(my $ph, '<&=', $pidfd)) {
        $kid->{pidfd} = $ph;
        watch($ph, 'pidfd', $kid);
    }
    # the next spare is made once the loop is idle: not while this child execs
    $spare_due = 1;
}

# Reads what the status pipe holds: nothing (exec succeeded) or the reason it failed.
sub settle_status {
    my ($kid) = @_;
    my $fh = $kid->{status} or return;
    my $why = '';
    while (1) {
        my $n = sysread($fh, my $buf, 4096);
        next if !defined $n && $!{EINTR};
        last if !$n;
        $why .= $buf;
    }
    unwatch($fh);
    delete $kid->{status};
    if ($why eq '') {
        send_frame('P', $kid->{id}, $kid->{pid}, now_ms());
    } else {
        $kid->{failed} = 1;
        send_frame('X', $kid->{id}, $why);
    }
}

sub read_output {
    my ($fh, $kid, $fd) = @_;
    my $n = sysread($fh, my $buf, 65536);
    return if !defined $n && ($!{EINTR} || $!{EAGAIN});
    if ($n) {
        send_frame('O', $kid->{id}, $fd, $buf) unless $kid->{failed};
        return;
    }
    unwatch($fh);
    $kid->{open}--;
    send_frame('C', $kid->{id}, $fd) unless $kid->{failed};
    forget($kid);
}

sub flush_stdin {
    my ($kid) = @_;
    my $fh = $kid->{stdin} or return;
    while (length $kid->{inbuf}) {
        my $n = syswrite($fh, $kid->{inbuf});
        if (!defined $n) {
            last if $!{EAGAIN};
            next if $!{EINTR};
            $kid->{inbuf} = '';    # the process closed its stdin
            $kid->{inend} = 1;
            last;
        }
        substr($kid->{inbuf}, 0, $n, '');
    }
    if (length $kid->{inbuf}) {
        vec($writers, fileno $fh, 1) = 1;
    } else {
        vec($writers, fileno $fh, 1) = 0;
        if ($kid->{inend}) {
            delete $by_fileno{fileno $fh};
            close $fh;
            delete $kid->{stdin};
            forget($kid);
        }
    }
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $status = $?;
        my $kid = delete $by_pid{$pid} or next;
        settle_status($kid);
        if ($kid->{pidfd}) {
            unwatch($kid->{pidfd});
            delete $kid->{pidfd};
        }
        $kid->{reaped} = 1;
        unless ($kid->{failed}) {
            if ($status & 127) {
                my $sig = $status & 127;
                send_frame('Z', $kid->{id}, '', signal_name($sig));
            } else {
                send_frame('Z', $kid->{id}, $status >> 8, '');
            }
        }
        forget($kid);
    }
}

# Drops a process we have nothing more to say about.
sub forget {
    my ($kid) = @_;
    return unless $kid->{reaped} && $kid->{open} == 0;
    if ($kid->{stdin} && !length $kid->{inbuf}) {
        delete $by_fileno{fileno $kid->{stdin}};
        vec($writers, fileno $kid->{stdin}, 1) = 0;
        close $kid->{stdin};
        delete $kid->{stdin};
    }
    delete $kids{$kid->{id}} unless $kid->{stdin};
}

# From POSIX's constants rather than Config's list: Config's table costs the launcher, and
# so every child forked from it, megabytes that exec then has to tear down.
my %SIGNAME;
for my $name (qw(HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM CHLD
    CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS))
{
    my $num = eval { no strict 'refs'; &{"POSIX::SIG$name"}() };
    $SIGNAME{$num} //= "SIG$name" if defined $num;
}
# (and Linux's numbers for those POSIX does not name, the same on every architecture we run on)
$SIGNAME{16} //= 'SIGSTKFLT';
$SIGNAME{29} //= 'SIGIO';
$SIGNAME{30} //= 'SIGPWR';
sub signal_name { $SIGNAME{ $_[0] } // "SIG$_[0]" }

sub shutdown_all {
    kill 'KILL', $spare->{pid} if $spare;
    for my $kid (values %kids) {
        next if $kid->{reaped};
        kill 'KILL', -$kid->{pid};
    }
    POSIX::_exit(0);
}

sub command {
    my ($payload) = @_;
    my ($op, $rest) = split /\0/, $payload, 2;
    $rest //= '';
    if ($op eq 'S') {
        start(split /\0/, $rest, -1);
    } elsif ($op eq 'I') {
        my ($id, $data) = split /\0/, $rest, 2;
        my $kid = $kids{$id} or return;
        return unless $kid->{stdin};
        $kid->{inbuf} .= $data // '';
        flush_stdin($kid);
    } elsif ($op eq 'E') {
        my $kid = $kids{$rest} or return;
        return unless $kid->{stdin};
        $kid->{inend} = 1;
        flush_stdin($kid);
    }
}

make_spare();
send_frame('R');
flush_frames();
for (;;) {
    # Without a pidfd (an old kernel), SIGCHLD can land between our check and select:
    # wake up now and then while such a child runs.
    my $blind = grep { !$_->{pidfd} && !$_->{reaped} && !$_->{failed} } values %kids;
    my $due = $spare_due && !$spare;
    my ($rout, $wout) = ($readers, $writers);
    my $n = select($rout, $writers =~ /[^\0]/ ? $wout : undef, undef,
        $due ? 0.001 : $blind ? 0.05 : undef);
    if ($n <= 0) {
        # timed out, or a signal (SIGCHLD) cut the wait short
        if ($due && !$sigchld) {
            make_spare();
            $spare_due = 0;
        }
        $rout = $wout = '';
    }
    my @ready = map { $by_fileno{$_} } grep { vec($rout, $_, 1) } keys %by_fileno;
    my $input = vec($rout, 0, 1);
    # exec results first, then output, then exits: the executor hears them in that order
    settle_status($_->[1]) for grep { $_->[0] eq 'status' } @ready;
    for (grep { $_->[0] eq 'out' } @ready) {
        read_output($_->[3], $_->[1], $_->[2]) if $by_fileno{ fileno $_->[3] // -1 };
    }
    if ($wout ne '') {
        for my $entry (grep { $_->[0] eq 'stdin' && defined fileno $_->[3] && vec($wout, fileno $_->[3], 1) } values %by_fileno) {
            flush_stdin($entry->[1]);
        }
    }
    if ($sigchld || grep { $_->[0] eq 'pidfd' } @ready) {
        $sigchld = 0;
        reap();
    }
    if ($input) {
        my $n = sysread(STDIN, my $buf, 65536);
        if (defined $n && $n == 0) {
            shutdown_all();
        } elsif (defined $n) {
            $from_executor .= $buf;
            while (length $from_executor >= 4) {
                my $len = unpack('N', $from_executor);
                last if length $from_executor < 4 + $len;
                my $payload = substr($from_executor, 4, $len);
                substr($from_executor, 0, 4 + $len, '');
                command($payload);
            }
        } elsif (!$!{EINTR} && !$!{EAGAIN}) {
            shutdown_all();
        }
    }
    flush_frames();
}
