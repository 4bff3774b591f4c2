// Every page of the built site in the dark theme: status, console errors, theme and axe-core's colour rules.
import { checkEveryPage } from './everyPage.ts';

checkEveryPage('dark');
