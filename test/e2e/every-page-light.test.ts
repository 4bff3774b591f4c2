// Every page of the built site in the light theme: status, console errors, theme and the full axe-core audit.
import { checkEveryPage } from './everyPage.ts';

checkEveryPage('light');
