#!/usr/bin/perl
# eventgate hook spawner: forks and execs the exec channel's hooks for the gateway
# (src/outputs/exec/spawner.ts), one process for all of them.
#
# Why Perl: fork(2) costs in proportion to the memory of the process that forks. From a
# Node process (40 MB at the least) a hook costs 1.4 ms of CPU before it even starts; from
# this one (5 MB) 0.25 ms, so on a busy host twice as many hooks run a second. perl-base is
# Essential in Debian: it is on every host this service installs on. Only core modules of
# perl-base are used.
#
# What it does: runs each hook without a shell, in a session and process group of its own,
# the request's environment only, the notification on stdin; keeps at most MAXOUT bytes of
# its stdout and of its stderr (the rest is read and dropped); kills the group with SIGKILL
# as soon as it holds more than MAXPROCS live processes (0: no limit; one scan of /proc
# every 100 ms for all hooks, here rather than on the gateway's event loop); when the hook
# exits, kills what it left in its group and reports once the pipes have closed (at most a
# second later). Timeouts and aborts are the gateway's: it sends `signal`. When the gateway goes (stdin closes), every hook gets SIGTERM, then
# SIGKILL two seconds later, and this process exits once they have.
#
# Usage: hook-spawner.pl [NICE-INCREMENT]
#
# Frames, both ways: a 32-bit big-endian length, then fields, each a 32-bit length + bytes.
#   in:  run ID COMMAND CWD STDIN MAXOUT MAXPROCS ARGC ARG... ENVC NAME VALUE...
#        signal ID SIGNO
#   out: started ID PID
#        failed ID ERRNO-NAME            (fork or exec failed; nothing ran)
#        done ID CODE SIGNO OUT-TRUNCATED OUT ERR-TRUNCATED ERR OVER-LIMIT
#                                        (CODE or SIGNO empty; flags 0 or 1)
use strict;
use warnings;
use Errno ();
use POSIX ();

my $DRAIN_MS = 1000;
my $KILL_GRACE_MS = 2000;
my $WATCH_EVERY_MS = 100;
my $MS_PER_TICK = 1000 / POSIX::sysconf(POSIX::_SC_CLK_TCK());

sub now_ms { return (POSIX::times())[0] * $MS_PER_TICK }

sub errno_name {
  my $n = $! + 0;
  for my $name (keys %!) { return $name if $!{$name} }
  return "E$n";
}

sub nonblocking {
  for my $fh (@_) {
    my $flags = fcntl($fh, POSIX::F_GETFL(), 0) or die "fcntl: $!";
    fcntl($fh, POSIX::F_SETFL(), $flags | POSIX::O_NONBLOCK()) or die "fcntl: $!";
  }
}

# Caught, not ignored: exec(2) resets a caught signal to its default (an ignored one stays
# ignored), so every hook starts with all signals at their defaults and its child has
# nothing to undo. SIGPIPE: a write to a gone hook or gateway fails with EPIPE instead. A ^C
# at the terminal reaches the whole process group: the gateway stops, and then ends the
# hooks through this process, so it stays for that.
$SIG{PIPE} = sub { };
$SIG{INT} = sub { };
# fork(2) copies the signal mask: empty here is empty in every hook.
POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new()) or die "sigprocmask: $!";
# Hooks run below the gateway's CPU priority: the niceness added is this script's argument
# (spawner.ts). When hooks flood the CPUs, the kernel then gives the gateway's listeners the
# CPU first: what a listener cannot read in time is lost, a hook only waits in the outbox.
# Every hook inherits it. Where setpriority(2) is not permitted, hooks run at the gateway's
# priority.
my $nice_increment = int($ARGV[0] // 0);
if ($nice_increment > 0) {
  my $nice = getpriority(0, 0) + $nice_increment;
  setpriority(0, 0, $nice > 19 ? 19 : $nice);
}
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
nonblocking($wake_r, $wake_w, \*STDOUT);
# A child's exit interrupts select(2); the byte covers one that lands just before it.
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };

my %hooks;      # id => hook
my %by_pid;     # pid => hook
my $control = '';
my $replies = '';
my $control_open = 1;
my $kill_at;    # when closing: the time to SIGKILL what is left

sub reply {
  my $payload = pack('(N/a*)*', @_);
  $replies .= pack('N', length $payload) . $payload;
}

# The child only makes system calls before exec: each page it writes is first copied from
# this process (copy-on-write), so Perl work here costs every hook (0.3 ms of CPU measured
# for resetting signals and the environment in the child). Signals and the mask are set
# up for it above; the environment, in start_hook.
sub child_exec {
  my ($h, $ends, $report) = @_;
  POSIX::setsid() && POSIX::dup2(fileno($ends->[0]), 0) && POSIX::dup2(fileno($ends->[1]), 1)
    && POSIX::dup2(fileno($ends->[2]), 2) && chdir($h->{cwd})
    && exec { $h->{command} } $h->{command}, @{ $h->{argv} };
  syswrite($report, errno_name());
  POSIX::_exit(127);
}

sub start_hook {
  my ($id, $command, $cwd, $stdin, $max, $max_procs, $argc, @rest) = @_;
  my @argv = splice(@rest, 0, $argc);
  my $envc = shift @rest;
  my %env = @rest[0 .. 2 * $envc - 1];
  my $h = { id => $id, command => $command, cwd => $cwd, argv => \@argv,
    stdin => $stdin, written => 0, max => $max, max_procs => $max_procs, over_limit => 0,
    out => '', err => '', out_trunc => 0, err_trunc => 0 };
  my (@p, $fail);
  # stdin, stdout, stderr, and the exec report (close-on-exec: it reads EOF when exec works).
  for (0 .. 3) { pipe($p[$_][0], $p[$_][1]) or do { $fail = errno_name(); last } }
  # The hook's environment is this process's at the fork (exec passes it on). The spawner
  # itself reads none of it.
  %ENV = %env;
  my $pid = $fail ? undef : fork();
  if (!defined $pid) {
    $fail //= errno_name();
    close $_ for grep { defined } map { @$_ } @p;
    reply('failed', $id, $fail);
    return;
  }
  child_exec($h, [$p[0][0], $p[1][1], $p[2][1]], $p[3][1]) if $pid == 0;
  close $_ for $p[0][0], $p[1][1], $p[2][1], $p[3][1];
  my $err = '';
  1 while !defined(sysread($p[3][0], $err, 64)) && $!{EINTR};
  close $p[3][0];
  if (length $err) {
    waitpid($pid, 0);
    close $_ for $p[0][1], $p[1][0], $p[2][0];
    reply('failed', $id, $err);
    return;
  }
  @$h{qw(pid in stdout stderr)} = ($pid, $p[0][1], $p[1][0], $p[2][0]);
  nonblocking($h->{in}, $h->{stdout}, $h->{stderr});
  $hooks{$id} = $by_pid{$pid} = $h;
  # First checked once it has run for a while: most hooks are done long before.
  $h->{check_at} = now_ms() + $WATCH_EVERY_MS if $max_procs > 0;
  reply('started', $id, $pid);
}

sub close_pipe {
  my ($h, $which) = @_;
  close $h->{$which} if $h->{$which};
  delete $h->{$which};
}

sub read_output {
  my ($h, $which, $kept) = @_;
  my $n = sysread($h->{$which}, my $chunk, 65536);
  return if !defined $n && ($!{EAGAIN} || $!{EINTR});
  return close_pipe($h, $which) if !$n;
  my $room = $h->{max} - length $h->{$kept};
  $h->{$kept} .= substr($chunk, 0, $room) if $room > 0;
  $h->{"${kept}_trunc"} = 1 if $n > $room;
}

sub write_stdin {
  my ($h) = @_;
  my $left = length($h->{stdin}) - $h->{written};
  my $n = $left > 0 ? syswrite($h->{in}, $h->{stdin}, $left, $h->{written}) : 0;
  return if !defined $n && ($!{EAGAIN} || $!{EINTR});
  $h->{written} += $n // 0;
  # Written, or the hook does not read stdin (EPIPE): that is its choice, not a failure.
  close_pipe($h, 'in') if !defined $n || $h->{written} >= length $h->{stdin};
}

sub reap {
  my ($now) = @_;
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $h = delete $by_pid{$pid} or next;
    delete $h->{check_at};
    my $status = $?;
    $h->{code} = POSIX::WIFEXITED($status) ? POSIX::WEXITSTATUS($status) : '';
    $h->{signo} = POSIX::WIFSIGNALED($status) ? POSIX::WTERMSIG($status) : '';
    # Whatever the hook left running in its group ends with it; that also closes the pipes.
    kill('KILL', -$pid);
    close_pipe($h, 'in');
    $h->{drain_until} = $now + $DRAIN_MS;
  }
}

sub finish_drained {
  my ($now) = @_;
  for my $h (values %hooks) {
    next if !defined $h->{drain_until};
    next if ($h->{stdout} || $h->{stderr}) && $now < $h->{drain_until};
    close_pipe($h, $_) for qw(stdout stderr);
    delete $hooks{ $h->{id} };
    reply('done', $h->{id}, $h->{code}, $h->{signo}, $h->{out_trunc}, $h->{out}, $h->{err_trunc}, $h->{err}, $h->{over_limit});
  }
}

# When the next running hook with a limit is due for a check.
sub next_check {
  my ($first) = sort { $a <=> $b } map { $_->{check_at} // () } values %by_pid;
  return $first;
}

# Counts the live processes of the groups of the hooks due for a check (one scan of /proc
# for all of them) and kills those over their limit.
sub watch_limits {
  my ($now) = @_;
  my %limited = map { $_->{pid} => $_ } grep { defined $_->{check_at} && $_->{check_at} <= $now } values %by_pid;
  return if !%limited;
  $_->{check_at} = $now + $WATCH_EVERY_MS for values %limited;
  my %live;
  opendir(my $proc, '/proc') or return;
  while (defined(my $entry = readdir $proc)) {
    next if $entry !~ /^\d+$/;
    open(my $fh, '<', "/proc/$entry/stat") or next;
    my $stat = <$fh> // '';
    close $fh;
    # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    my $end = rindex($stat, ')');
    next if $end < 0; # it ended while we read
    my ($state, undef, $pgrp) = split / /, substr($stat, $end + 2), 4;
    $live{$pgrp}++ if defined $pgrp && $limited{$pgrp} && $state ne 'Z';
  }
  closedir $proc;
  for my $h (values %limited) {
    next if ($live{ $h->{pid} } // 0) <= $h->{max_procs};
    # A fork bomb gets no grace period: SIGKILL the whole group at once.
    $h->{over_limit} = 1;
    delete $h->{check_at};
    kill('KILL', -$h->{pid});
  }
}

sub on_control {
  my $n = sysread(STDIN, $control, 65536, length $control);
  return if !defined $n && ($!{EAGAIN} || $!{EINTR});
  return on_control_closed() if !$n;
  while (length $control >= 4) {
    my $len = unpack('N', $control);
    last if length $control < 4 + $len;
    my @f = unpack('(N/a*)*', substr($control, 4, $len));
    substr($control, 0, 4 + $len) = '';
    my $verb = shift @f;
    if ($verb eq 'run') { start_hook(@f) }
    elsif ($verb eq 'signal') {
      my $h = $hooks{ $f[0] };
      kill($f[1], -$h->{pid}) if $h && !defined $h->{drain_until};
    }
  }
}

sub flush_replies {
  return if !length $replies;
  my $n = syswrite(STDOUT, $replies);
  if (defined $n) { substr($replies, 0, $n) = ''; return }
  return if $!{EAGAIN} || $!{EINTR};
  # The gateway is gone: nobody reads the outcomes.
  $replies = '';
  on_control_closed();
}

sub on_control_closed {
  return if !$control_open;
  $control_open = 0;
  kill('TERM', -$_) for keys %by_pid;
  $kill_at = now_ms() + $KILL_GRACE_MS;
}

while (1) {
  my $now = now_ms();
  reap($now);
  finish_drained($now);
  flush_replies();
  last if !$control_open && !%hooks;
  if (defined $kill_at && $now >= $kill_at) {
    kill('KILL', -$_) for keys %by_pid;
    undef $kill_at;
  }
  watch_limits($now);
  my ($rin, $win) = ('', '');
  vec($rin, fileno(STDIN), 1) = 1 if $control_open;
  vec($rin, fileno($wake_r), 1) = 1;
  vec($win, fileno(STDOUT), 1) = 1 if length $replies;
  my @deadlines = grep { defined } ($kill_at, next_check(), map { $_->{drain_until} } values %hooks);
  for my $h (values %hooks) {
    vec($rin, fileno($h->{$_}), 1) = 1 for grep { $h->{$_} } qw(stdout stderr);
    vec($win, fileno($h->{in}), 1) = 1 if $h->{in};
  }
  my $timeout;
  if (@deadlines) {
    my ($first) = sort { $a <=> $b } @deadlines;
    $timeout = ($first - $now + 10) / 1000;
    $timeout = 0 if $timeout < 0;
  }
  my $n = select(my $rout = $rin, my $wout = $win, undef, $timeout);
  if ($n < 0) {
    next if $!{EINTR};
    die "hook spawner: select: $!\n";
  }
  next if $n == 0;
  sysread($wake_r, my $drop, 4096) if vec($rout, fileno($wake_r), 1);
  on_control() if $control_open && vec($rout, fileno(STDIN), 1);
  for my $h (values %hooks) {
    write_stdin($h) if $h->{in} && vec($wout, fileno($h->{in}), 1);
    read_output($h, 'stdout', 'out') if $h->{stdout} && vec($rout, fileno($h->{stdout}), 1);
    read_output($h, 'stderr', 'err') if $h->{stderr} && vec($rout, fileno($h->{stderr}), 1);
  }
}
exit 0;
