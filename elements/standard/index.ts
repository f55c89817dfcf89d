// Element classes of elements/standard/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as AverageCounter } from './average-counter.js';
import { spec as BandwidthMeter } from './bandwidth-meter.js';
import { spec as BandwidthRatedUnqueue } from './bandwidth-rated-unqueue.js';
import { spec as CheckLength } from './check-length.js';
import { spec as CheckPaint } from './check-paint.js';
import { spec as Counter } from './counter.js';
import { spec as FrontDropQueue } from './front-drop-queue.js';
import { spec as Hub } from './hub.js';
import { spec as HashSwitch } from './hash-switch.js';
import { spec as Meter } from './meter.js';
import { spec as Null, pullNullSpec as PullNull, pushNullSpec as PushNull } from './null.js';
import { spec as Pad } from './pad.js';
import { spec as Paint } from './paint.js';
import { spec as PaintSwitch } from './paint-switch.js';
import { spec as PaintTee } from './paint-tee.js';
import { spec as PrioSched } from './prio-sched.js';
import { spec as PullTee } from './pull-tee.js';
import { fullNoteQueueSpec as FullNoteQueue, spec as Queue } from './queue.js';
import { spec as RandomSample } from './random-sample.js';
import { spec as RatedUnqueue } from './rated-unqueue.js';
import { spec as RoundRobinSched } from './round-robin-sched.js';
import { spec as RoundRobinSwitch } from './round-robin-switch.js';
import { spec as SimpleQueue } from './simple-queue.js';
import { spec as StaticSwitch } from './static-switch.js';
import { spec as StoreData } from './store-data.js';
import { spec as Strip } from './strip.js';
import { spec as StripToNetworkHeader } from './strip-to-network-header.js';
import { spec as Switch } from './switch.js';
import { spec as Tee } from './tee.js';
import { spec as Truncate } from './truncate.js';
import { spec as Unqueue } from './unqueue.js';
import { spec as Unstrip } from './unstrip.js';
import { spec as NotifierQueue } from './notifier-queue.js';
import { spec as MixedQueue } from './mixed-queue.js';
import { simplePullSwitchSpec as SimplePullSwitch, spec as PullSwitch } from './pull-switch.js';
import { spec as RatedSplitter } from './rated-splitter.js';
import { spec as BandwidthRatedSplitter } from './bandwidth-rated-splitter.js';

export const specs: AnyElementSpec[] = [
  // counters and meters
  Counter, AverageCounter, Meter, BandwidthMeter,
  // queues and schedulers
  Queue, FullNoteQueue, SimpleQueue, FrontDropQueue, Unqueue, RatedUnqueue, BandwidthRatedUnqueue,
  RoundRobinSched, PrioSched, Null, PushNull, PullNull,
  // steering
  Tee, PullTee, Hub, Switch, StaticSwitch, RoundRobinSwitch, HashSwitch, RandomSample,
  Paint, PaintTee, PaintSwitch, CheckPaint, CheckLength,
  // packet shape
  Strip, Unstrip, StripToNetworkHeader, Truncate, StoreData, Pad,
  // queues, schedulers and shapers (issue 12)
  NotifierQueue, MixedQueue, PullSwitch, SimplePullSwitch, RatedSplitter, BandwidthRatedSplitter,
];
