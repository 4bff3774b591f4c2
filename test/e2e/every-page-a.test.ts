// Every other page of the built site (the first of two halves): status, console errors, both themes
// (first visit and a live switch) and the axe-core audit in each. See everyPage.ts.
import { checkEveryPage } from './everyPage.ts';

checkEveryPage(0);
