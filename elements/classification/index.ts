// Element classes of elements/classification/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as Classifier } from './classifier.js';
import { spec as IPClassifier } from './ip-classifier.js';
import { spec as IPFilter } from './ip-filter.js';

export const specs: AnyElementSpec[] = [Classifier, IPClassifier, IPFilter];
